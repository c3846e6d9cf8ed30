// A master's /master/state-summary read for the operator stream's refresh of what no event tells: every registered
// agent and framework, without a single task (Master::ReadOnlyHandler::stateSummary in
// src/master/readonly_handler.cpp; Master::Http::stateSummary in src/master/http.cpp before 1.8). Its agents are
// written by the same SlaveWriter as /state's, its frameworks by the same json(Summary<Framework>) /state's begin
// with, so the figures mean what they mean there: `used_resources` is the agent's usedResources (its tasks' and
// executors'), as GetAgents.Agent.allocated_resources is. Each also carries counts of its tasks by state
// (TaskStateSummaries), which tell whether the stream held the same live tasks as the master when it wrote them.
// The endpoint is there since 0.23, and these fields in every master the stream serves (1.5+) but `deactivated` and
// `drain_info`, which came with 1.9: they are optional here as in parseState.
import type { OpAgent, OpFramework } from './operator-events';
import { addResources, arr, obj, optBool, optNum, resourcesOf, str, withOrigin, zero } from './state-parse';

/** The count of live tasks (not yet terminal) the master held when it wrote the summary. */
interface Counted {
  liveTasks: number;
}

export type SummaryAgent = OpAgent & Counted;
export type SummaryFramework = OpFramework & Counted;

export interface StateSummary {
  agents: SummaryAgent[];
  frameworks: SummaryFramework[];
}

/** TaskStateSummary's counters of tasks that hold resources; the others count terminal or unreachable ones. */
const LIVE = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'] as const;

function liveTasks(o: Record<string, unknown>, path: string): number {
  let n = 0;
  for (const state of LIVE) n += Math.round(optNum(o[state], `${path}.${state}`));
  return n;
}

/** Throws StateFormatError (one line naming `origin` and the path) when the document cannot be used. */
export function readStateSummary(json: unknown, origin = 'state-summary'): StateSummary {
  return withOrigin(origin, () => read(json));
}

function read(json: unknown): StateSummary {
  const doc = obj(json, '');
  const agents = arr(doc.slaves, 'slaves').map((v, i): SummaryAgent => {
    const p = `slaves[${i}]`;
    const s = obj(v, p);
    const total = zero();
    addResources(total, s.resources, `${p}.resources`); // required: an agent without resources is not an agent
    return {
      id: str(s.id, `${p}.id`),
      hostname: str(s.hostname, `${p}.hostname`),
      active: optBool(s.active, `${p}.active`, true),
      deactivated: optBool(s.deactivated, `${p}.deactivated`, false),
      draining: s.drain_info !== undefined,
      total,
      used: resourcesOf(s.used_resources, `${p}.used_resources`),
      offered: resourcesOf(s.offered_resources, `${p}.offered_resources`),
      liveTasks: liveTasks(s, p),
    };
  });
  const frameworks = arr(doc.frameworks, 'frameworks').map((v, i): SummaryFramework => {
    const p = `frameworks[${i}]`;
    const f = obj(v, p);
    return {
      id: str(f.id, `${p}.id`),
      name: str(f.name, `${p}.name`),
      active: optBool(f.active, `${p}.active`, true),
      connected: optBool(f.connected, `${p}.connected`, true),
      used: resourcesOf(f.used_resources, `${p}.used_resources`),
      offered: resourcesOf(f.offered_resources, `${p}.offered_resources`),
      liveTasks: liveTasks(f, p),
    };
  });
  return { agents, frameworks };
}
