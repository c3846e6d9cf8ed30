// The service's side of failure-policy.ts: it remembers where each agent answers (from its offers), reads the
// sandbox's stderr when an update does not say why (src/mesos/agent-files.ts), names the cause and its fix
// (failure-cause.ts), logs it once per agent and cause, and says when the job pauses or resumes.
import type { Logger } from '../log';
import type { Credentials } from '../mesos/http';
import { agentBaseUrl, sandboxTail } from '../mesos/agent-files';
import type { Offer, TaskStatus } from '../mesos/scheduler-events';
import { classify, diagnose, type FailureKind, lastMeaningfulLine, type Settings } from './failure-cause';
import { FailurePolicy, type FailurePolicyOptions, type Pause } from './failure-policy';

export interface FailureWatchOptions {
  settings: Settings;
  logger: Logger;
  onPause: (p: Pause) => void;
  policy?: FailurePolicyOptions;
  credentials?: Credentials;
  ca?: string | Buffer;
}

// Enough for the fetcher's or node's last lines; a slow agent must not hold the diagnosis for long.
const TAIL_BYTES = 4096;
const READ_TIMEOUT_MS = 3000;

// A relaunch of the same executor id makes a new, empty sandbox at once: look back at a few runs for the one that says why.
const RUNS_LOOKED_AT = 3;

/** Gone agents remembered at most. */
const MAX_GONE = 1024;

/**
 * The last meaningful line of an executor's stderr on its agent, from its newest sandbox that has one, bounded in
 * size and time; null when the agent has no sandbox for it or none says anything.
 */
export async function stderrLine(agentUrl: string, frameworkId: string, executorId: string, access: { credentials?: Credentials; ca?: string | Buffer }): Promise<string | null> {
  const options = { timeoutMs: READ_TIMEOUT_MS, tailBytes: TAIL_BYTES, credentials: access.credentials, ca: access.ca, runs: RUNS_LOOKED_AT };
  const tail = await sandboxTail(agentUrl, frameworkId, executorId, 'stderr', { ...options, wanted: (t) => lastMeaningfulLine(t) !== null });
  return tail ? lastMeaningfulLine(tail.text) : null;
}

export class FailureWatch {
  private readonly policy: FailurePolicy;
  private readonly agents = new Map<string, { name: string; url: string | null }>();
  private readonly reads = new Map<string, Promise<string | null>>();
  private readonly said = new Set<string>();
  private readonly goneSet = new Set<string>();

  constructor(private readonly o: FailureWatchOptions) {
    this.policy = new FailurePolicy(o.policy);
  }

  get paused(): Pause | null {
    return this.policy.paused;
  }

  /** Agents the master said are gone (a FAILURE with no executor) that have not offered since. */
  get gone(): ReadonlySet<string> {
    return this.goneSet;
  }

  offer(offer: Offer): void {
    this.goneSet.delete(offer.agent_id.value);
    this.agents.set(offer.agent_id.value, { name: offer.hostname || offer.agent_id.value, url: offer.url ? agentBaseUrl(offer.url) : null });
    this.policy.offered(offer.agent_id.value);
  }

  agentGone(agentId: string): void {
    // Bounded like any cluster's agents; the oldest loss is the least likely to matter still.
    if (this.goneSet.size >= MAX_GONE) this.goneSet.delete(this.goneSet.values().next().value as string);
    this.goneSet.add(agentId);
    this.policy.agentGone(agentId);
  }

  succeeded(agentId: string | undefined): void {
    const ended = this.policy.succeeded(agentId ?? '');
    if (ended) this.o.logger.info(`π job resumes: a task finished, so "${ended.diagnosis.detail}" no longer fails everything`);
  }

  resume(): void {
    if (this.policy.paused) this.o.logger.info('π job resumes: requested');
    this.policy.resume();
  }

  /** How many tasks an offer of this agent may carry now: none while paused or while the agent is avoided, but a probe. */
  room(agentId: string, now: number): number {
    if (this.policy.paused) return this.policy.mayProbe(now) ? 1 : 0;
    return this.policy.avoids(agentId, now) ? 0 : Infinity;
  }

  /** A task failed or was lost; `bad` overrides the update's own class and message (a result that is not valid data). */
  failed(s: TaskStatus, frameworkId: string | undefined, now: () => number, bad?: { kind: FailureKind; message: string }): void {
    const c = bad ? { kind: bad.kind, counts: true, readSandbox: false } : classify(s);
    const agentId = s.agent_id?.value;
    if (!c?.counts || !agentId) return;
    const agent = this.agents.get(agentId) ?? { name: agentId, url: null };
    const message = bad?.message ?? s.message ?? s.state;
    const executorId = s.executor_id?.value;
    const read = c.readSandbox && agent.url && frameworkId && executorId ? this.tail(agent.url, frameworkId, executorId) : Promise.resolve(null);
    void read.then((stderr) => {
      const d = diagnose(c.kind, message, stderr, this.o.settings, agent.name);
      if (!this.said.has(`${agentId} ${d.key}`)) {
        this.said.add(`${agentId} ${d.key}`);
        this.o.logger.warn(`agent ${agent.name}: ${c.kind} failure: ${d.detail}${d.fix ? `; fix: ${d.fix}` : ''}`);
      }
      const pause = this.policy.failed(agentId, agent.name, d, now());
      if (pause) this.o.onPause(pause);
    });
  }

  /** One read per executor at a time: its tasks fail together when it exits. Failures to read are not causes. */
  private tail(agentUrl: string, frameworkId: string, executorId: string): Promise<string | null> {
    const key = `${agentUrl} ${frameworkId} ${executorId}`;
    let p = this.reads.get(key);
    if (!p) {
      p = stderrLine(agentUrl, frameworkId, executorId, this.o)
        .catch((err: Error) => {
          this.o.logger.debug(`cannot read the sandbox of ${executorId} on ${agentUrl}: ${err.message}`);
          return null;
        })
        .finally(() => this.reads.delete(key));
      this.reads.set(key, p);
    }
    return p;
  }
}
