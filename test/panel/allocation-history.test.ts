// The hour of allocation the overview and the dashboard chart: bounded, one sample per bucket, oldest dropped.
import { emptyHistory, recordAllocation, usedShare } from '../../src/panel/allocation-history';
import type { ClusterSnapshot } from '../../src/mesos/snapshot';
import { fixtureSnapshot } from './fixture-model';

const at = (cpusUsed: number): ClusterSnapshot => {
  const s = fixtureSnapshot();
  return { ...s, cpus: { total: 4, used: cpusUsed, offered: 0, free: 4 - cpusUsed } };
};

describe('allocation history', () => {
  const shape = { bucketMs: 10_000, buckets: 6 };

  it('keeps one sample per bucket, the latest, and ignores a snapshot seen again or older', () => {
    let h = emptyHistory(shape);
    h = recordAllocation(h, 1_000, at(1));
    h = recordAllocation(h, 9_000, at(2));
    expect(h.samples.map((s) => [s.at, s.cpus.used])).toEqual([[9_000, 2]]);
    const same = recordAllocation(h, 9_000, at(3));
    expect(same).toBe(h);
    expect(recordAllocation(h, 5_000, at(3))).toBe(h);
    h = recordAllocation(h, 10_000, at(3));
    expect(h.samples.map((s) => s.cpus.used)).toEqual([2, 3]);
  });

  it('holds no more than its span, even across a gap with no snapshots', () => {
    let h = emptyHistory(shape);
    for (let t = 0; t < 200_000; t += 10_000) h = recordAllocation(h, t, at(t / 100_000));
    expect(h.samples).toHaveLength(6);
    expect(h.samples[0].at).toBe(140_000);
    // A master unreachable for a while: what is older than the span is gone at the next snapshot.
    h = recordAllocation(h, 1_000_000, at(1));
    expect(h.samples.map((s) => s.at)).toEqual([1_000_000]);
  });

  it('gives the used share per column of a sparkline, null where nothing was seen', () => {
    let h = emptyHistory(shape);
    h = recordAllocation(h, 0, at(1));
    h = recordAllocation(h, 30_000, at(2));
    h = recordAllocation(h, 50_000, at(4));
    // The span is 60 s ending at 60 s: columns of 20 s each.
    expect(usedShare(h, 60_000, 3)).toEqual([0.25, 0.5, 1]);
    expect(usedShare(h, 120_000, 3)).toEqual([null, null, null]);
    const none = { ...at(0), cpus: { total: 0, used: 0, offered: 0, free: 0 } };
    expect(usedShare(recordAllocation(emptyHistory(shape), 59_000, none), 60_000, 2)).toEqual([null, 0]);
  });
});
