// The stream faults' invariant itself: it must fail on a snapshot that differs from /state or a source that is not
// subscribed, and pass on one that matches /state as it was just before or just after the snapshot was read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSnapshot } from '../../src/mesos/snapshot';
import type { SourceStatus } from '../../src/mesos/source-status';
import { parseState } from '../../src/mesos/state-parse';
import { converges, firstDifference } from '../../scripts/chaos/convergence';
import type { HeldSnapshot } from '../../scripts/chaos/protocol';

const state = parseState(JSON.parse(readFileSync(join(__dirname, '../fixtures/mesos/real-1.12.0/master-state-task-running.json'), 'utf8')));
const subscribed: SourceStatus = { master: 'http://m:5050', ok: true, downSince: null, lastError: null, via: 'stream' };
const held = (snapshot: ClusterSnapshot, status = subscribed): (() => Promise<HeldSnapshot>) => async () => ({ type: 'snapshot', snapshot, status });

/** The same cluster with one task more running. */
function oneMore(s: ClusterSnapshot): ClusterSnapshot {
  return { ...s, tasks: { ...s.tasks, TASK_RUNNING: (s.tasks.TASK_RUNNING ?? 0) + 1 } };
}

describe('the stream faults’ invariant', () => {
  it('names the first place a held snapshot differs from /state', () => {
    expect(firstDifference(state, structuredClone(state))).toBeNull();
    expect(firstDifference(oneMore(state), state)).toBe(`snapshot.tasks.TASK_RUNNING: ${(state.tasks.TASK_RUNNING ?? 0) + 1} ≠ ${state.tasks.TASK_RUNNING ?? 0}`);
    expect(firstDifference({ ...state, agentList: [] }, state)).toMatch(/^snapshot\.agentList\[0\]: undefined ≠ \{"id":/);
    expect(firstDifference(null, state)).toMatch(/^snapshot: null ≠ \{/);
  });

  it('passes on a match with /state read just before or just after the snapshot, and only while subscribed', async () => {
    // /state changes between the two reads of a round: the held snapshot may equal either.
    let reads = 0;
    const changing = async () => (reads++ % 2 === 0 ? state : oneMore(state));
    expect(await converges({ held: held(state), master: changing }, 100, 5)).toBeNull();
    expect(await converges({ held: held(oneMore(state)), master: changing }, 100, 5)).toBeNull();

    const still = async () => state;
    expect(await converges({ held: held(oneMore(state)), master: still }, 100, 5)).toMatch(/^it differs from \/state at snapshot\.tasks\.TASK_RUNNING/);
    const down = { ...subscribed, ok: false, lastError: 'nothing from m for 2 s; reconnecting' };
    expect(await converges({ held: held(state, down), master: still }, 100, 5)).toBe('the stream is down (nothing from m for 2 s; reconnecting)');
    expect(await converges({ held: held(state, { ...subscribed, via: 'poll' }), master: still }, 100, 5)).toBe('the source polls (no reason given)');
    const failing = async () => Promise.reject(new Error('no master leads'));
    expect(await converges({ held: held(state), master: failing }, 100, 5)).toBe('no master leads');
  });
});
