// A master's /state document read into the operator stream's shapes, for the slow refresh of what the stream does
// not carry (Mesos docs/operator-http-api.md): the same cluster as GET_STATE describes, with the master facts only /state has. /state
// writes summed resource objects (SlaveWriter / FullFrameworkWriter in src/master/readonly_handler.cpp) where
// GET_STATE writes Resource arrays; the figures are the same: `used_resources` is the agent's usedResources, as
// GetAgents.Agent.allocated_resources is (createAgentResponse in src/common/protobuf_utils.cpp).
import type { OpCluster, OpTask } from './operator-events';
import type { MasterFacts } from './operator-state';
import { addResources, arr, leaderOf, obj, optBool, optNum, optStr, parseState, resourcesOf, StateFormatError, str, zero } from './state-parse';

export interface StateDocument {
  cluster: OpCluster;
  master: MasterFacts;
}

/** Throws StateFormatError (one line naming `origin` and the path) when the document cannot be used. */
export function readStateDocument(json: unknown, origin = 'state'): StateDocument {
  try {
    return read(json, origin);
  } catch (err) {
    if (err instanceof StateFormatError && err.origin !== origin) throw new StateFormatError(err.path, err.detail, origin);
    throw err;
  }
}

function read(json: unknown, origin: string): StateDocument {
  // parseState checks every field the panel shows, with the same messages as polling; what it does not read
  // (task ids and resources, deactivation) is checked below.
  parseState(json, origin);
  const doc = obj(json, '');
  const agents = arr(doc.slaves, 'slaves').map((v, i) => {
    const s = obj(v, `slaves[${i}]`);
    const total = zero();
    addResources(total, s.resources, `slaves[${i}].resources`);
    return {
      id: str(s.id, `slaves[${i}].id`),
      hostname: str(s.hostname, `slaves[${i}].hostname`),
      active: optBool(s.active, `slaves[${i}].active`, true),
      deactivated: optBool(s.deactivated, `slaves[${i}].deactivated`, false),
      draining: s.drain_info !== undefined,
      total,
      used: resourcesOf(s.used_resources, `slaves[${i}].used_resources`),
      offered: resourcesOf(s.offered_resources, `slaves[${i}].offered_resources`),
    };
  });
  const tasks: OpTask[] = [];
  const frameworks = arr(doc.frameworks, 'frameworks').map((v, i) => {
    const p = `frameworks[${i}]`;
    const f = obj(v, p);
    const list = f.tasks === undefined ? [] : arr(f.tasks, `${p}.tasks`);
    list.forEach((tv, j) => {
      const t = obj(tv, `${p}.tasks[${j}]`);
      tasks.push({
        id: str(t.id, `${p}.tasks[${j}].id`),
        frameworkId: str(t.framework_id, `${p}.tasks[${j}].framework_id`),
        agentId: str(t.slave_id, `${p}.tasks[${j}].slave_id`),
        state: str(t.state, `${p}.tasks[${j}].state`),
        resources: resourcesOf(t.resources, `${p}.tasks[${j}].resources`),
      });
    });
    return {
      id: str(f.id, `${p}.id`),
      name: str(f.name, `${p}.name`),
      active: optBool(f.active, `${p}.active`, true),
      connected: optBool(f.connected, `${p}.connected`, true),
      used: resourcesOf(f.used_resources, `${p}.used_resources`),
      offered: resourcesOf(f.offered_resources, `${p}.offered_resources`),
    };
  });
  return {
    cluster: { agents, frameworks, tasks },
    master: {
      leader: leaderOf(doc),
      version: optStr(doc.version, 'version'),
      unreachable: Math.round(optNum(doc.unreachable_slaves, 'unreachable_slaves')),
      startedAt: doc.start_time === undefined ? null : optNum(doc.start_time, 'start_time') * 1000,
    },
  };
}
