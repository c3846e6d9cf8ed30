// Fuzz inputs of the operator event stream: single events through the decoder and the reducer, whole streams
// (truncated, damaged, an endless record, a 64 MB SUBSCRIBED) through the capped RecordIO feed the source reads
// with, and the refresh's answers (/state-summary, GET_MASTER, /metrics/snapshot) through their readers and into a
// state mid-job. A bad event or answer must be one typed line or one problem line, never an exception; and a
// resubscribe after any event or refresh must restore exactly the snapshot its SUBSCRIBED describes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseJsonBody, HttpError } from '../../src/mesos/http';
import { type OperatorEvent, decodeOperatorEvent } from '../../src/mesos/operator-events';
import { readGetMaster, readUnreachable } from '../../src/mesos/operator-refresh';
import { type OperatorState, emptyState, fromCluster, reduce, snapshotOf } from '../../src/mesos/operator-state';
import { RecordIODecoder, RecordIOError, encodeRecord } from '../../src/mesos/recordio';
import { StateFormatError } from '../../src/mesos/state-parse';
import { CappedRecords } from '../../src/mesos/stream-client';
import { readStateSummary } from '../../src/mesos/state-summary';
import { mutateBytes, mutateJson } from './mutate';
import { type FuzzTarget, InvariantError, finiteSnapshot, fixturesDir } from './targets';

const STREAM = 'real-1.12.0/operator-stream/operator-stream.recordio';
/** The source's caps: maxStateBytes (default 32 MiB) for SUBSCRIBED, 1 MiB for every later event. */
const FIRST_CAP = 32 * 1024 * 1024;
const REST_CAP = 1024 * 1024;
const MASTER = { leader: 'm:5050', version: '1.12.0', unreachable: 0, startedAt: null };

/** Events the recording has none of, shaped as include/mesos/v1/master/master.proto gives them; hand-made. */
const HAND_MADE = [
  { type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'c2a00caa-673e-4177-b3d1-0c8cf3151a03-S1' } } },
  { type: 'FRAMEWORK_UPDATED', framework_updated: { framework: { framework_info: { id: { value: 'f-9' }, name: 'x', user: 'u' }, active: false, connected: false, recovered: false } } },
  { type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'f-9' }, status: { task_id: { value: 'never-added' }, state: 'TASK_RUNNING' }, state: 'TASK_RUNNING' } },
  { type: 'AGENT_UPDATED', agent_updated: {} },
];

function recorded(): Buffer {
  return fs.readFileSync(path.join(fixturesDir(), STREAM));
}

function events(stream: Buffer): OperatorEvent[] {
  const d = new RecordIODecoder({ maxRecordBytes: REST_CAP });
  return d.push(stream).flatMap((b) => {
    const e = decodeOperatorEvent(b);
    return e.type === 'UNKNOWN' ? [] : [e];
  });
}

function apply(state: OperatorState, e: OperatorEvent): OperatorState {
  const r = reduce(state, e);
  if (r.problem !== null && (r.problem.includes('\n') || r.problem.length > 600)) throw new InvariantError(`problem is not one line: ${r.problem.slice(0, 100)}`);
  return r.state;
}

/** A state mid-job (the recording up to its first finished task) and the SUBSCRIBED that began it. */
function midJob(): { state: OperatorState; subscribed: Extract<OperatorEvent, { type: 'SUBSCRIBED' }> } {
  const all = events(recorded());
  const subscribed = all[0];
  if (subscribed.type !== 'SUBSCRIBED') throw new Error(`${STREAM} does not begin with SUBSCRIBED`);
  const cut = all.findIndex((e) => e.type === 'TASK_UPDATED' && e.state === 'TASK_FINISHED');
  return { state: all.slice(0, cut).reduce(apply, emptyState(MASTER)), subscribed };
}

const eventTarget = (): FuzzTarget => {
  const seeds = [...new RecordIODecoder({ maxRecordBytes: REST_CAP }).push(recorded()).map((b) => b.toString('utf8')), ...HAND_MADE.map((e) => JSON.stringify(e))];
  const { state, subscribed } = midJob();
  const fresh = JSON.stringify(snapshotOf(fromCluster(subscribed.cluster, MASTER)));
  return {
    name: 'operator-event',
    typed: [StateFormatError],
    mutate: (r) => mutateJson(r.pick(seeds), r),
    run: (input) => {
      const e = decodeOperatorEvent(input);
      if (e.type === 'UNKNOWN') return snapshotOf(state);
      const after = apply(state, e);
      const snap = snapshotOf(after);
      const bad = finiteSnapshot(snap);
      if (bad) throw new InvariantError(bad);
      if (JSON.stringify(snapshotOf(apply(after, subscribed))) !== fresh) throw new InvariantError(`a resubscribe after ${e.type} does not restore the SUBSCRIBED snapshot`);
      return snap;
    },
  };
};

const streamTarget = (): FuzzTarget => {
  const stream = recorded();
  return {
    name: 'operator-stream',
    typed: [RecordIOError, StateFormatError],
    mutate: (r) => {
      const ops: string[] = [];
      let b = stream;
      if (r.chance(0.1)) {
        ops.push('subscribed-of-64MB');
        b = Buffer.concat([Buffer.from(`${64 * 1024 * 1024}\n`), b.subarray(0, r.int(4096))]);
      }
      if (r.chance(0.1)) {
        ops.push('endless-record');
        b = Buffer.concat([b.subarray(0, r.int(b.length)), Buffer.from(`${REST_CAP - 1}\n`), Buffer.alloc(r.int(200_000), 0x7b)]);
      }
      if (r.chance(0.1)) {
        ops.push('event-over-1MiB');
        b = Buffer.concat([b, encodeRecord(`{"type":"HEARTBEAT","x":"${'x'.repeat(REST_CAP)}"}`)]);
      }
      if (r.chance(0.2)) {
        ops.push('truncated');
        b = b.subarray(0, r.int(b.length));
      }
      return { bytes: r.chance(0.5) ? mutateBytes(b, r, ops) : b, ops };
    },
    run: (input, r) => {
      const feed = new CappedRecords(FIRST_CAP, REST_CAP);
      let state: OperatorState | null = null;
      for (let pos = 0; pos < input.length; ) {
        const n = 1 + r.int(r.pick([16, 1024, 65_536]));
        for (const record of feed.push(input.subarray(pos, pos + n))) {
          let e;
          try {
            e = decodeOperatorEvent(record);
          } catch (err) {
            // Past SUBSCRIBED the source skips a bad event; before it, it subscribes again.
            if (state === null || !(err instanceof StateFormatError)) throw err;
            continue;
          }
          if (e.type === 'UNKNOWN') continue;
          if (state === null && e.type !== 'SUBSCRIBED') continue;
          state = apply(state ?? emptyState(MASTER), e);
        }
        pos += n;
      }
      feed.end();
      const snap = state && snapshotOf(state);
      const bad = snap && finiteSnapshot(snap);
      if (bad) throw new InvariantError(bad);
      return snap;
    },
  };
};

/** Each reader's refusal is its own typed line; what they accept goes into the state as a refresh does. */
function readEach<T>(read: () => T): T | null {
  try {
    return read();
  } catch (err) {
    if (err instanceof StateFormatError) return null;
    throw err;
  }
}

const refreshTarget = (): FuzzTarget => {
  const real = (file: string) => fs.readFileSync(path.join(fixturesDir(), 'real-1.12.0', file), 'utf8');
  // A GET_MASTER answer around the recorded master's MasterInfo (scheduler SUBSCRIBED): hand-made around it.
  const masterInfo = (JSON.parse(real('scheduler-events.json')) as { subscribed?: { master_info: unknown } }[])[0].subscribed?.master_info;
  const seeds = [
    real('master-state-summary.json'),
    real('operator-stream/metrics-snapshot-agent-lost.json'),
    JSON.stringify({ type: 'GET_MASTER', get_master: { master_info: masterInfo, start_time: 1795549280.1, elected_time: 1795549281.2 } }),
  ];
  const { state, subscribed } = midJob();
  return {
    name: 'operator-refresh',
    typed: [StateFormatError, HttpError],
    mutate: (r) => mutateJson(r.pick(seeds), r),
    run: (input) => {
      const json = parseJsonBody(input, 'fuzz-refresh.json');
      const summary = readEach(() => readStateSummary(json, 'fuzz-refresh.json'));
      const facts = readEach(() => readGetMaster(json, 'fuzz-refresh.json'));
      const unreachable = readEach(() => readUnreachable(json, 'fuzz-refresh.json'));
      const master = { ...MASTER, ...facts, unreachable: unreachable ?? 0 };
      const after = state.copy();
      after.refresh(master, summary);
      const snap = snapshotOf(after);
      const bad = finiteSnapshot(snap);
      if (bad) throw new InvariantError(bad);
      after.apply(subscribed);
      if (JSON.stringify(snapshotOf(after)) !== JSON.stringify(snapshotOf(fromCluster(subscribed.cluster, master)))) throw new InvariantError('a resubscribe after a refresh does not restore the SUBSCRIBED snapshot');
      return snap;
    },
  };
};

export function operatorTargets(): FuzzTarget[] {
  return [eventTarget(), streamTarget(), refreshTarget()];
}
