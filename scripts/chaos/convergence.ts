// The stream faults' invariant: once a fault on the operator event stream is over, the snapshot the daemon's state
// source holds equals the one parsed from the master's /state within one refresh, and the source says it is
// subscribed to the stream again. The job keeps changing the cluster meanwhile, so one comparison can fall between
// an event and its delivery: the held snapshot is read between two reads of /state and may equal either, and
// the comparison is repeated until the time is up.
import { errorLine } from '../../src/lib/error-line';
import type { ClusterSnapshot } from '../../src/mesos/snapshot';
import type { HeldSnapshot } from './protocol';
import { sleep } from './daemon-process';

export interface ConvergenceProbe {
  /** What the daemon holds now. */
  held: () => Promise<HeldSnapshot>;
  /** The leading master's /state, parsed. */
  master: () => Promise<ClusterSnapshot>;
}

/** Null once the held snapshot matched /state while subscribed; else why not, when `withinMs` ran out. */
export async function converges(probe: ConvergenceProbe, withinMs: number, everyMs = 50): Promise<string | null> {
  const end = Date.now() + withinMs;
  let why = 'nothing compared';
  for (;;) {
    try {
      const before = await probe.master();
      const held = await probe.held();
      const after = await probe.master();
      const { status } = held;
      if (status.via !== 'stream') why = `the source polls (${status.lastError ?? 'no reason given'})`;
      else if (!status.ok) why = `the stream is down (${status.lastError ?? 'no reason given'})`;
      else {
        const diff = firstDifference(held.snapshot, after);
        if (diff === null || firstDifference(held.snapshot, before) === null) return null;
        why = `it differs from /state at ${diff}`;
      }
    } catch (err) {
      why = errorLine(err);
    }
    if (Date.now() >= end) return why;
    await sleep(everyMs);
  }
}

/** The first place two JSON values differ, as `path: held ≠ wanted`, or null when they are equal. */
export function firstDifference(held: unknown, wanted: unknown, path = 'snapshot'): string | null {
  if (Object.is(held, wanted)) return null;
  if (typeof held !== 'object' || typeof wanted !== 'object' || held === null || wanted === null || Array.isArray(held) !== Array.isArray(wanted)) {
    return `${path}: ${JSON.stringify(held)} ≠ ${JSON.stringify(wanted)}`;
  }
  const h = held as Record<string, unknown>;
  const w = wanted as Record<string, unknown>;
  for (const key of new Set([...Object.keys(h), ...Object.keys(w)])) {
    const d = firstDifference(h[key], w[key], Array.isArray(held) ? `${path}[${key}]` : `${path}.${key}`);
    if (d !== null) return d;
  }
  return null;
}
