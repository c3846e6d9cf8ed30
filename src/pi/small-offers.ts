// When to say that an agent's offers cannot hold a π task. What our own tasks leave over on an agent they fill
// is no news, and neither is a moment of other frameworks' load: the note is for a state that lasts, on an agent
// where no task of ours runs, once per job and agent.
import type { Offer } from '../mesos/scheduler-events';
import { type ExecutorSpec, offered, roomForATask, type TaskResources } from './offers';

export class SmallOffers {
  /** Agents whose offers cannot hold a task while none of ours runs there: since when, for which job, said yet. */
  private readonly agents = new Map<string, { since: number; jobId: string; said: boolean }>();

  constructor(
    private readonly spec: ExecutorSpec,
    private readonly r: TaskResources,
    private readonly lastingMs: number,
  ) {}

  /** The line to log for an offer that was declined while chunks wait, or null. */
  declined(offer: Offer, jobId: string, oursRunThere: boolean, now: number): string | null {
    const agent = offer.agent_id.value;
    if (oursRunThere || roomForATask(offer, this.spec, this.r)) {
      this.agents.delete(agent);
      return null;
    }
    const seen = this.agents.get(agent);
    if (!seen || seen.jobId !== jobId) {
      this.agents.set(agent, { since: now, jobId, said: false });
      return null;
    }
    if (seen.said || now - seen.since < this.lastingMs) return null;
    seen.said = true;
    const { cpus, mem } = offered(offer.resources);
    const r = this.r;
    return `agent ${offer.hostname} has offered only ${cpus} cpus and ${mem} MB for ${Math.round((now - seen.since) / 1000)} s with no π task there, too little for one (${r.taskCpus} cpus, ${r.taskMemMb} MB, and ${r.executorCpus} cpus, ${r.executorMemMb} MB once for the executor): other frameworks hold the rest, or the agent is smaller than a task; lower pi.taskCpus or pi.taskMemMb if it stays so`;
  }
}
