// When a π job stops launching: failure is judged per job and by cause, not per chunk. A wrong setting (node
// missing, no such user, an executor URL the agents cannot reach, a sandbox they cannot write) fails every
// task on every agent, and re-queueing each chunk until it has failed everywhere costs thousands of tasks.
// Pure: the service feeds offers, successes and diagnosed failures, and the clock comes in as `now`.
import type { Diagnosis } from './failure-cause';

export interface FailurePolicyOptions {
  /** Failed tasks with no success in between after which the job pauses, whatever their causes. */
  budget: number;
  /** Failed tasks of one cause before "it fails on every agent that offers" pauses the job. */
  minSameCause: number;
  /** While paused, one task is let through this often, so that a fixed cause resumes the job by itself. */
  probeMs: number;
}

// Tens of failed tasks, not thousands: a 4-agent cluster fails about this many before every agent has spoken.
export const DEFAULT_FAILURE_POLICY: FailurePolicyOptions = { budget: 30, minSameCause: 3, probeMs: 60_000 };

export interface Pause {
  diagnosis: Diagnosis;
  /** Names of the agents where this cause failed. */
  agents: string[];
  /** Failed tasks since the last success when the job paused. */
  failedTasks: number;
  /** One line for the log and `mesos-panel pi`'s error: the cause, where, and the fix. */
  line: string;
  /** A few words for the π screen (a 20x4 LCD shows 3 lines of 20 below its title). */
  short: string;
}

interface CauseTally {
  diagnosis: Diagnosis;
  count: number;
  agents: Map<string, string>;
}

export class FailurePolicy {
  /** Agents that offered since the last success: "every agent that offers". */
  private readonly offering = new Set<string>();
  private readonly causes = new Map<string, CauseTally>();
  private sinceSuccess = 0;
  private pause: Pause | null = null;
  private lastProbe = 0;
  /** Per agent: failures with a known fix since its last success, and when it was last let try again. */
  private readonly broken = new Map<string, { count: number; lastProbe: number }>();

  constructor(private readonly o: FailurePolicyOptions = DEFAULT_FAILURE_POLICY) {}

  get paused(): Pause | null {
    return this.pause;
  }

  offered(agentId: string): void {
    this.offering.add(agentId);
  }

  /** The agent is gone (its tasks are lost, not failed): it no longer offers. */
  agentGone(agentId: string): void {
    this.offering.delete(agentId);
  }

  /** A task finished: whatever failed before is not a cause that fails everything. Returns the pause it ends. */
  succeeded(agentId: string): Pause | null {
    const ended = this.pause;
    this.broken.delete(agentId);
    this.clear();
    return ended;
  }

  /** The button: try again, with a fresh budget, on every agent. */
  resume(): void {
    this.broken.clear();
    this.clear();
  }

  /**
   * Whether the job skips this agent's offer: a setting of its own (no node, no user, …) failed there again and
   * again while other agents work. One task is let through per probe period, so that a fix is noticed.
   */
  avoids(agentId: string, now: number): boolean {
    const b = this.broken.get(agentId);
    if (!b || b.count < this.o.minSameCause) return false;
    if (now - b.lastProbe < this.o.probeMs) return true;
    b.lastProbe = now;
    return false;
  }

  /** A counted failure on an agent, diagnosed; returns the pause it starts, if it does. */
  failed(agentId: string, agentName: string, d: Diagnosis, now: number): Pause | null {
    this.offering.add(agentId);
    this.sinceSuccess++;
    let tally = this.causes.get(d.key);
    if (!tally) {
      tally = { diagnosis: d, count: 0, agents: new Map() };
      this.causes.set(d.key, tally);
    }
    tally.count++;
    // A read of the sandbox can come too late (a relaunch emptied it): a later failure that says more names the cause.
    if (d.fromSandbox && !tally.diagnosis.fromSandbox) tally.diagnosis = d;
    tally.agents.set(agentId, agentName);
    if (d.fix !== null) {
      const b = this.broken.get(agentId) ?? { count: 0, lastProbe: now };
      b.count++;
      this.broken.set(agentId, b);
    }
    if (this.pause) return null;
    const everywhere = tally.count >= this.o.minSameCause && [...this.offering].every((a) => tally!.agents.has(a));
    // Each agent broken by a setting of its own (one lacks node, another the user): nothing is left to run on.
    const allAvoided = [...this.offering].every((a) => (this.broken.get(a)?.count ?? 0) >= this.o.minSameCause);
    if (!everywhere && !allAvoided && this.sinceSuccess < this.o.budget) return null;
    const worst = everywhere ? tally : [...this.causes.values()].reduce((a, b) => (b.count > a.count ? b : a));
    this.pause = pauseOf(worst, this.sinceSuccess, everywhere, allAvoided);
    this.lastProbe = now;
    return this.pause;
  }

  /** While paused: whether one probe task may be launched now (and, if so, the clock starts again). */
  mayProbe(now: number): boolean {
    if (!this.pause || now - this.lastProbe < this.o.probeMs) return false;
    this.lastProbe = now;
    return true;
  }

  private clear(): void {
    this.pause = null;
    this.sinceSuccess = 0;
    this.causes.clear();
    this.offering.clear();
  }
}

function pauseOf(t: CauseTally, failedTasks: number, everywhere: boolean, allAvoided: boolean): Pause {
  const d = t.diagnosis;
  const agents = [...t.agents.values()].sort();
  const where = everywhere
    ? `on every agent that offers (${agents.join(', ')})`
    : allAvoided
      ? `on ${agents.join(', ')}; every other agent that offers fails on a setting of its own, see the log`
      : `${failedTasks} failures in a row, most on ${agents.join(', ')}`;
  const fix = d.fix ?? "read the executor's stderr in the sandbox on those agents";
  return {
    diagnosis: d,
    agents,
    failedTasks,
    line: `π job paused after ${failedTasks} failed tasks with no success: ${d.detail} (${where}); fix: ${fix}`,
    // The agents are in the log line; three LCD lines hold the cause and the way out, not hostnames too. The dash
    // is a word of its own, so that a path or address can end a 20-column line.
    short: `paused: ${d.short} - hold to resume`,
  };
}
