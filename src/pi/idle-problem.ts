// What the panel says when the π job cannot run: the master cannot be subscribed to, or chunks wait and nothing
// runs for IDLE_PROBLEM_MS (no offers at all, offers too small, or every agent that offers failed a chunk).
// A function of the service's state, so the words are tested without timers.
import type { ConnectionState } from '../mesos/scheduler-state';
import type { Ledger } from './ledger';
import type { TaskResources } from './offers';

/** Waiting chunks and nothing launched for this long, with nothing running: say why on the panel. */
export const IDLE_PROBLEM_MS = 30_000;

export interface IdleState {
  connection: ConnectionState;
  ledger: Ledger | null;
  /** When the last SUBSCRIBED, the last launch (or the job's start) and the last offer came. */
  subscribedAt: number;
  lastLaunchAt: number;
  lastOfferAt: number;
  resources: TaskResources;
  role: string;
}

export function idleProblem(st: IdleState, now: number): string | null {
  const s = st.connection;
  if (s.phase !== 'subscribed') return s.phase !== 'stopped' && s.lastError ? `cannot subscribe: ${s.lastError}` : null;
  const l = st.ledger;
  if (!l || !l.hasWaiting() || l.runningCount() > 0) return null;
  const idleSince = Math.max(st.subscribedAt, st.lastLaunchAt);
  if (now - idleSince <= IDLE_PROBLEM_MS) return null;
  const r = st.resources;
  const offerSince = Math.max(idleSince, st.lastOfferAt);
  if (now - offerSince > IDLE_PROBLEM_MS) {
    return `no offers for ${Math.round((now - offerSince) / 1000)} s: no agent has ${r.taskCpus} cpus and ${r.taskMemMb} MB free for role ${st.role}`;
  }
  // Offers come but are declined: every waiting chunk avoids the agents that offer, or the offers are too small.
  // Short enough for a 20x4 LCD's three lines; the log names the chunk, the agents and the failures.
  if (l.avoidedChunk()) return 'every agent failed a chunk: see the log; hold to reset';
  return `offers too small: task ${r.taskCpus}cpu/${r.taskMemMb}MB, executor ${r.executorCpus}cpu/${r.executorMemMb}MB`;
}
