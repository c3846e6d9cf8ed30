// The last hour of what the cluster had and used, for the overview's small chart and the web dashboard. Fed
// from the same snapshots the screens draw, never from a second read of the master. Pure and bounded: one
// sample per bucket (the latest snapshot in it wins), a fixed number of buckets, the oldest dropped first.
import type { ClusterSnapshot } from '../mesos/snapshot';

export interface UseSample {
  total: number;
  used: number;
  offered: number;
}

export interface AllocationSample {
  /** ms since epoch of the snapshot's poll or event. */
  at: number;
  cpus: UseSample;
  mem: UseSample;
  disk: UseSample;
}

export interface HistoryShape {
  /** Width of one bucket, ms. */
  bucketMs: number;
  /** How many buckets are kept: bucketMs × buckets is the span shown. */
  buckets: number;
}

/** An hour in 10-second buckets: 360 samples, finer than any chart the panel or the dashboard draws. */
export const HOUR_OF_HISTORY: HistoryShape = { bucketMs: 10_000, buckets: 360 };

export interface AllocationHistory {
  readonly shape: HistoryShape;
  /** Oldest first; at most shape.buckets long, never two in one bucket. */
  readonly samples: readonly AllocationSample[];
}

export function emptyHistory(shape: HistoryShape = HOUR_OF_HISTORY): AllocationHistory {
  return { shape, samples: [] };
}

/** The history with this snapshot in it. A snapshot not newer than the newest sample (the same poll seen again, a late one) changes nothing. */
export function recordAllocation(h: AllocationHistory, at: number, s: ClusterSnapshot): AllocationHistory {
  const last = h.samples[h.samples.length - 1];
  if (!Number.isFinite(at) || (last && at <= last.at)) return h;
  const sample: AllocationSample = { at, cpus: use(s.cpus), mem: use(s.mem), disk: use(s.disk) };
  const bucket = Math.floor(at / h.shape.bucketMs);
  const sameBucket = last !== undefined && Math.floor(last.at / h.shape.bucketMs) === bucket;
  const kept = sameBucket ? h.samples.slice(0, -1) : h.samples.slice();
  kept.push(sample);
  // Buckets older than the span are dropped even when the panel saw nothing for a while (an unreachable master).
  const oldest = (bucket - h.shape.buckets + 1) * h.shape.bucketMs;
  const from = kept.findIndex((x) => x.at >= oldest);
  return { shape: h.shape, samples: from <= 0 ? kept : kept.slice(from) };
}

/**
 * The share of a resource that was used (allocated to tasks) in each of `columns` equal slices of the span
 * ending at `now`, 0..1, or null where no sample fell in the slice: what a sparkline of `columns` pixels draws.
 */
export function usedShare(h: AllocationHistory, now: number, columns: number, resource: 'cpus' | 'mem' | 'disk' = 'cpus'): (number | null)[] {
  const span = h.shape.bucketMs * h.shape.buckets;
  const start = now - span;
  const out: (number | null)[] = new Array(Math.max(0, columns)).fill(null);
  for (const s of h.samples) {
    if (s.at < start || s.at > now) continue;
    const col = Math.min(columns - 1, Math.floor(((s.at - start) / span) * columns));
    const r = s[resource];
    // The latest sample of a slice wins, as in a bucket.
    out[col] = r.total > 0 ? Math.min(1, Math.max(0, r.used / r.total)) : 0;
  }
  return out;
}

function use(r: { total: number; used: number; offered: number }): UseSample {
  return { total: r.total, used: r.used, offered: r.offered };
}
