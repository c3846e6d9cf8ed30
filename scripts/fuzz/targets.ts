// The inputs the fuzzers feed: each names its seeds (real fixtures and well-formed events), how a case is
// mutated, what it runs, and the error classes that count as a clean refusal. Anything else thrown, a
// case over the time budget, or an accepted result that breaks the target's invariant is a failure.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../src/cli';
import { UsageError } from '../../src/cli-errors';
import type { CommandContext } from '../../src/commands/context';
import { ConfigError, defaultConfigJson, resolveConfig, type Config } from '../../src/config';
import { envLayer, readConfigFile } from '../../src/config-load';
import { readCredentials } from '../../src/master-access';
import { memoryLogger } from '../../src/log';
import { decodeExecutorEvent } from '../../src/mesos/executor-client';
import { HttpError, parseJsonBody } from '../../src/mesos/http';
import { RecordIODecoder, RecordIOError, encodeRecord } from '../../src/mesos/recordio';
import { EventError, decodeSchedulerEvent } from '../../src/mesos/scheduler-events';
import { masterRole, parseState, StateFormatError } from '../../src/mesos/state-parse';
import type { ClusterSnapshot } from '../../src/mesos/snapshot';
import { fast } from '../../src/pi/kernel';
import { Ledger } from '../../src/pi/ledger';
import { LedgerFileError, parseLedger, serializeLedger } from '../../src/pi/ledger-store';
import { exactChunk } from '../../src/pi/exact-kernel';
import { decodeExactResult, encodeExactRequest, encodeExactResult, exactBound, parseExactRequest } from '../../src/pi/exact-task-data';
import { eulerNumbers } from '../../src/pi/euler';
import { finalDigits } from '../../src/pi/final-digits';
import { TaskDataError, decodeTaskResult, encodeTaskRequest, encodeTaskResult, parseTaskRequest } from '../../src/pi/task-data';
import { mutateBytes, mutateJson, type Mutation, type Rng } from './mutate';
import { operatorTargets } from './operator-targets';

export type ErrorClass = abstract new (...args: never[]) => Error;

export interface FuzzTarget {
  name: string;
  /** Refusals that are not failures. */
  typed: readonly ErrorClass[];
  /** Builds one case from its own random stream. */
  mutate(r: Rng): Mutation;
  /** Runs one case; resolves to the accepted result, or throws. */
  run(input: Buffer, r: Rng): unknown;
  /** Checks an accepted result; returns what is wrong, or null. */
  check?(result: unknown): string | null;
  /** The error message may hold several lines, each one problem (the config loader lists every bad key). */
  multiLine?: boolean;
}

/** An accepted result that breaks a target's invariant. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/** The fixtures: FUZZ_FIXTURES, else the checkout's test/fixtures/mesos, as the tests find them. */
export function fixturesDir(): string {
  if (process.env.FUZZ_FIXTURES) return process.env.FUZZ_FIXTURES;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the checkout (package.json) above the fuzz scripts');
    dir = up;
  }
  return path.resolve(dir, 'test/fixtures/mesos');
}

const read = (f: string) => fs.readFileSync(path.join(fixturesDir(), f));

/** Splits a RecordIO stream into its record payloads (the fixtures are well-formed). */
function records(stream: Buffer): Buffer[] {
  const d = new RecordIODecoder();
  const out = d.push(stream);
  d.end();
  return out;
}

/**
 * A large capture cut to its first few agents and frameworks, so a case costs microseconds, not the 2.4 MB
 * parse; the whole document is still used as is in a few cases.
 */
function reduced(doc: Record<string, unknown>): Record<string, unknown> {
  const cut = { ...doc };
  for (const k of ['slaves', 'frameworks', 'completed_frameworks', 'orphan_tasks', 'unregistered_frameworks']) {
    if (Array.isArray(cut[k])) cut[k] = (cut[k] as unknown[]).slice(0, 4);
  }
  if (Array.isArray(cut.frameworks)) {
    cut.frameworks = (cut.frameworks as Record<string, unknown>[]).map((f) => ({ ...f, tasks: Array.isArray(f.tasks) ? f.tasks.slice(0, 8) : f.tasks, completed_tasks: [] }));
  }
  return cut;
}

function stateSeeds(): { small: string[]; whole: string[] } {
  const dir = fixturesDir();
  const files = [...fs.readdirSync(dir), ...fs.readdirSync(path.join(dir, 'real-1.12.0')).map((f) => `real-1.12.0/${f}`)].filter(
    (f) => /master-state(__|-(?!summary))/.test(f) && f.endsWith('.json'),
  );
  const whole = files.map((f) => read(f).toString('utf8'));
  return { whole, small: whole.map((t) => (t.length > 64 * 1024 ? JSON.stringify(reduced(JSON.parse(t))) : t)) };
}

export function finiteSnapshot(s: ClusterSnapshot): string | null {
  for (const name of ['cpus', 'mem', 'disk', 'gpus'] as const) {
    for (const [k, v] of Object.entries(s[name])) if (!Number.isFinite(v)) return `snapshot ${name}.${k} is ${v}`;
  }
  for (const a of s.agentList) for (const [k, v] of Object.entries(a.cpus)) if (!Number.isFinite(v)) return `agent cpus.${k} is ${v}`;
  if (!Number.isFinite(s.agents.unreachable)) return `agents.unreachable is ${s.agents.unreachable}`;
  return null;
}

/** No own `__proto__`, `constructor` or `prototype` key anywhere in a decoded value, and nothing inherited that is not Object's. */
export function cleanTree(v: unknown, where = 'result', skip: ReadonlySet<string> = new Set()): string | null {
  const stack: [unknown, string][] = [[v, where]];
  while (stack.length > 0) {
    const [x, at] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    const proto = Object.getPrototypeOf(x);
    if (proto !== Object.prototype && proto !== Array.prototype) return `${at} has a foreign prototype`;
    for (const k of Object.keys(x)) {
      if (skip.has(k)) continue;
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') return `${at} carries key ${k}`;
      stack.push([(x as Record<string, unknown>)[k], `${at}.${k}`]);
    }
  }
  return null;
}

const stateTarget = (): FuzzTarget => {
  const seeds = stateSeeds();
  return {
    name: 'state',
    typed: [StateFormatError, HttpError],
    mutate: (r) => mutateJson(r.chance(0.01) ? r.pick(seeds.whole) : r.pick(seeds.small), r),
    run: (input) => {
      const json = parseJsonBody(input, 'fuzz-state.json');
      masterRole(json);
      return parseState(json, 'fuzz-state.json');
    },
    check: (s) => finiteSnapshot(s as ClusterSnapshot),
  };
};

/** Hand-made events of the types the 1.12.0 recording has none of, shaped as Mesos docs/scheduler-http-api.md gives them. */
const HAND_MADE_SCHEDULER_EVENTS = [
  { type: 'RESCIND', rescind: { offer_id: { value: 'o-1' } } },
  { type: 'RESCIND_INVERSE_OFFER', rescind_inverse_offer: { inverse_offer_id: { value: 'io-1' } } },
  { type: 'INVERSE_OFFERS', inverse_offers: { inverse_offers: [{ id: { value: 'io-1' }, framework_id: { value: 'f' }, agent_id: { value: 'a' } }] } },
  { type: 'MESSAGE', message: { agent_id: { value: 'a' }, executor_id: { value: 'e' }, data: 'aGVsbG8=' } },
  { type: 'ERROR', error: { message: 'Framework has been removed' } },
  { type: 'UPDATE_OPERATION_STATUS', update_operation_status: { status: { operation_id: { value: 'op' }, state: 'OPERATION_FINISHED', uuid: 'AAECAwQFBgcICQoLDA0ODw==' } } },
];

const HAND_MADE_EXECUTOR_EVENTS = [
  { type: 'KILL', kill: { task_id: { value: 't-1' } } },
  { type: 'SHUTDOWN' },
  { type: 'HEARTBEAT' },
  { type: 'MESSAGE', message: { data: 'aGVsbG8=' } },
  { type: 'ERROR', error: { message: 'agent error' } },
  { type: 'LAUNCH_GROUP', launch_group: { task_group: { tasks: [{ task_id: { value: 't-2' }, name: 'pi', data: 'e30=' }] } } },
];

/** An event decoder fed the recorded stream's records and the hand-made events, mutated. */
function eventTarget(name: string, stream: string, handMade: object[], decode: (input: Buffer) => unknown, keep: string[] = []): FuzzTarget {
  const seeds = [...records(read(stream)).map((b) => b.toString('utf8')), ...handMade.map((e) => JSON.stringify(e))];
  return {
    name,
    typed: [EventError],
    mutate: (r) => mutateJson(r.pick(seeds), r),
    run: decode,
    check: (e) => cleanTree(e, 'event', new Set(keep)),
  };
}

const schedulerTarget = () => eventTarget('scheduler-event', 'real-1.12.0/scheduler-stream.recordio', HAND_MADE_SCHEDULER_EVENTS, decodeSchedulerEvent);

// `raw` is the agent's TaskInfo, kept verbatim to hand back in SUBSCRIBE; it is never read field by field.
const executorTarget = () => eventTarget('executor-event', 'real-1.12.0/executor-stream.recordio', HAND_MADE_EXECUTOR_EVENTS, decodeExecutorEvent, ['raw']);

const recordioTarget = (): FuzzTarget => {
  const streams = [
    read('real-1.12.0/scheduler-stream.recordio'),
    read('real-1.12.0/executor-stream.recordio'),
    read('scheduler-event-stream__recordio-protobuf_42events_SUBSCRIBED-HEARTBEAT-OFFERS__mesosphere-mesos-rxjava.bin'),
  ];
  return {
    name: 'recordio',
    typed: [RecordIOError],
    mutate: (r) => {
      const ops: string[] = [];
      let b = r.pick(streams);
      if (r.chance(0.1)) {
        ops.push('endless-length');
        b = Buffer.concat([b.subarray(0, r.int(b.length)), Buffer.from('9'.repeat(1 + r.int(40)))]);
      }
      if (r.chance(0.1)) {
        ops.push('huge-record');
        b = Buffer.concat([b, encodeRecord('x'.repeat(70_000))]);
      }
      return { bytes: r.chance(0.9) ? mutateBytes(b, r, ops) : b, ops };
    },
    run: (input, r) => {
      const max = r.pick([64, 4096, 65_536, 4 * 1024 * 1024]);
      const d = new RecordIODecoder({ maxRecordBytes: max });
      const out: Buffer[] = [];
      for (let pos = 0; pos < input.length; ) {
        const n = 1 + r.int(r.pick([8, 512, 16_384]));
        out.push(...d.push(input.subarray(pos, pos + n)));
        pos += n;
        // The memory bound the decoder promises: one record under the cap, plus a length line.
        if (d.bufferedBytes > max + 16) throw new InvariantError(`decoder holds ${d.bufferedBytes} bytes, over the ${max}-byte cap`);
      }
      d.end();
      return out;
    },
  };
};

const taskDataTarget = (): FuzzTarget => {
  const request = { start: 2_000_000, end: 2_400_000, kernel: 'fast' as const };
  const sum = fast(request.start, request.end);
  const seeds = [
    encodeTaskRequest(request),
    encodeTaskRequest({ start: 0, end: 1e15, kernel: 'precise' }),
    encodeTaskResult({ ...request, ...sum, terms: request.end - request.start, ms: 12.5 }),
  ];
  return {
    name: 'task-data',
    typed: [TaskDataError],
    mutate: (r) => mutateJson(r.pick(seeds), r, 0.4),
    run: (input, r) => (input.includes('"hi"') || r.chance(0.3) ? decodeTaskResult(input, r.chance(0.5) ? request : undefined) : parseTaskRequest(input)),
    check: (v) => {
      const t = v as { start: number; end: number };
      return t.start < t.end && t.start % 2 === 0 && t.end % 2 === 0 ? null : `accepted range [${t.start}, ${t.end})`;
    },
  };
};

const exactTaskDataTarget = (): FuzzTarget => {
  const request = { start: 2_000_000, end: 2_004_000, kernel: 'exact' as const, bits: 2000 };
  const seeds = [
    encodeExactRequest(request),
    encodeExactResult({ ...request, ...exactChunk(request.start, request.end, request.bits), terms: request.end - request.start, ms: 30 }),
  ];
  return {
    name: 'exact-task-data',
    typed: [TaskDataError],
    mutate: (r) => mutateJson(r.pick(seeds), r, 0.4),
    run: (input, r) => (input.includes('"sum"') || r.chance(0.3) ? decodeExactResult(input, r.chance(0.5) ? request : undefined) : parseExactRequest(input)),
    check: (v) => {
      const t = v as { start: number; end: number; sum?: bigint; bound?: number };
      if (!(t.start < t.end && t.start % 2 === 0 && t.end % 2 === 0)) return `accepted range [${t.start}, ${t.end})`;
      return t.sum === undefined || (t.sum > 0n && t.bound === exactBound(t.start, t.end)) ? null : `accepted sum ${t.sum} with bound ${t.bound}`;
    },
  };
};

const LEDGER_OPTS = { minChunkTerms: 200_000, targetTaskSeconds: 10, maxGrowth: 10, maxFailuresPerAgent: 3 };

/** A ledger in every chunk state, as the ledger-store tests build it. */
function busyLedger(): Ledger {
  const led = Ledger.create('job7', 4_000_000, 'fast', 1000, LEDGER_OPTS);
  for (let i = 0; i < 3; i++) {
    const l = led.nextChunk('agent-a', 2000 + i)!;
    const s = fast(l.start, l.end);
    led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: encodeTaskResult({ ...l, kernel: 'fast', ...s, terms: l.end - l.start, ms: 3000 }) }, 3000);
  }
  const failing = led.nextChunk('agent-b', 4000)!;
  led.onUpdate({ taskId: failing.taskId, state: 'TASK_FAILED' }, 4100);
  led.nextChunk('agent-c', 4200);
  return led;
}

const EXACT_SPEC = { kernel: 'exact', bits: 256, corrections: 8 } as const;

/** An exact chunk's result as the executor sends it. */
function exactResultFor(l: { start: number; end: number }): string {
  const c = exactChunk(l.start, l.end, EXACT_SPEC.bits);
  return encodeExactResult({ start: l.start, end: l.end, kernel: 'exact', bits: EXACT_SPEC.bits, sum: c.sum, bound: c.bound, terms: l.end - l.start, ms: 3000 });
}

/** An exact job in every chunk state; with `finish`, done and certified, so the file carries the digits. */
function exactLedger(finish: boolean): Ledger {
  const led = Ledger.create('job8', 1_000_000, EXACT_SPEC, 1000, LEDGER_OPTS);
  for (let l = led.nextChunk('agent-a', 2000); l; l = finish ? led.nextChunk('agent-a', 2000) : null) {
    led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: exactResultFor(l) }, 3000);
  }
  if (finish) {
    const r = led.result()!;
    led.setFinal(finalDigits(r.sum, r.eps, r.terms, EXACT_SPEC, eulerNumbers));
  } else {
    led.onUpdate({ taskId: led.nextChunk('agent-b', 4000)!.taskId, state: 'TASK_FAILED' }, 4100);
    led.nextChunk('agent-c', 4200);
  }
  return led;
}

const ledgerTarget = (): FuzzTarget => {
  const seeds = [
    serializeLedger(busyLedger()), serializeLedger(Ledger.create('j2', 1_000_000, 'precise', 5, LEDGER_OPTS)),
    serializeLedger(exactLedger(false)), serializeLedger(exactLedger(true)),
  ];
  return {
    name: 'ledger-file',
    typed: [LedgerFileError],
    mutate: (r) => mutateJson(r.pick(seeds), r),
    run: (input) => {
      const ledger = parseLedger(input.toString('utf8'), 10_000, LEDGER_OPTS);
      // A loaded ledger must be usable as is: its sums and progress are what the panel shows next.
      ledger.total();
      ledger.progress(10_000);
      return ledger;
    },
  };
};

/**
 * The π job's event handler: a scheduler UPDATE, decoded as the client does, applied to a ledger with three
 * chunks running, as the service does (data base64-decoded). Mutated are both the event and, inside it,
 * the executor's result. Nothing may throw, and after any update the ledger must still add up, save and load.
 */
const ledgerUpdateTarget = (exact: boolean): FuzzTarget => {
  const fresh = () => {
    const led = Ledger.create('job9', 4_000_000, exact ? EXACT_SPEC : 'fast', 1000, LEDGER_OPTS);
    return { led, launches: [led.nextChunk('agent-a', 2000)!, led.nextChunk('agent-b', 2000)!, led.nextChunk('agent-a', 2001)!] };
  };
  const { launches } = fresh();
  const results = launches.map((l) =>
    exact ? exactResultFor(l) : encodeTaskResult({ ...l, kernel: 'fast', ...fast(l.start, l.end), terms: l.end - l.start, ms: 4000 }),
  );
  const update = (l: { taskId: string; agentId: string }, state: string, data?: string) =>
    JSON.stringify({
      type: 'UPDATE',
      update: { status: { task_id: { value: l.taskId }, state, source: 'SOURCE_EXECUTOR', agent_id: { value: l.agentId }, uuid: 'AAECAwQFBgcICQoLDA0ODw==', ...(data === undefined ? {} : { data }) } },
    });
  const states = ['TASK_FINISHED', 'TASK_FAILED', 'TASK_LOST', 'TASK_RUNNING', 'TASK_KILLED', 'TASK_ERROR', 'TASK_GONE'];
  return {
    name: exact ? 'ledger-update-exact' : 'ledger-update',
    typed: [EventError],
    mutate: (r) => {
      const i = r.int(launches.length);
      if (r.chance(0.5)) {
        const inner = mutateJson(r.pick(results), r, 0.3);
        return { bytes: Buffer.from(update(launches[i], 'TASK_FINISHED', inner.bytes.toString('base64'))), ops: ['result', ...inner.ops] };
      }
      const state = r.pick(states);
      return mutateJson(update(launches[i], state, state === 'TASK_FINISHED' ? Buffer.from(results[i]).toString('base64') : undefined), r);
    },
    run: (input) => {
      const e = decodeSchedulerEvent(input);
      const { led } = fresh();
      if (e.type !== 'UPDATE') return led;
      const st = e.update.status;
      led.onUpdate({ taskId: st.task_id.value, state: st.state, agentId: st.agent_id?.value, data: st.data === undefined ? undefined : Buffer.from(st.data, 'base64'), message: st.message }, 5000);
      return led;
    },
    check: (v) => {
      const led = v as Ledger;
      const t = led.total();
      if (t.termsDone < 0 || t.termsDone > led.data.terms) return `termsDone ${t.termsDone} outside the job`;
      const p = led.progress(6000);
      if (![p.termsDone, p.termsPerSecond, p.elapsedSeconds].every(Number.isFinite)) return `progress not finite: ${JSON.stringify(p)}`;
      try {
        parseLedger(serializeLedger(led), 6000, LEDGER_OPTS);
      } catch (err) {
        return `the ledger no longer loads after the update: ${(err as Error).message}`;
      }
      return null;
    },
  };
};

/** A temporary directory per target, removed by the runner. */
export function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `fuzz-${name}-`));
}

const FULL_CONFIG = {
  masters: ['http://10.0.0.2:5050', 'https://10.0.0.3:5050'],
  caFile: '/etc/mesos-panel/ca.pem',
  credentialsFile: '/etc/mesos-panel/credentials',
  display: { kind: 'hd44780', size: '20x4', address: '0x27', lcd: { pinMap: 'custom', customPins: { rs: 0, rw: 1, e: 2, backlight: 3, d4: 4, d5: 5, d6: 6, d7: 7 }, backlightActiveLow: true } },
  screens: { enabled: ['overview', 'pi'], autoCycleSeconds: 0 },
  burnIn: { nightHours: '22:00-07:00' },
  pi: { terms: 1e12, kernel: 'fast', autoStart: true },
  http: { bind: '127.0.0.1', port: 5055, advertiseHost: 'pi-master' },
};

const configFileTarget = (dir: string): FuzzTarget => {
  const seeds = [defaultConfigJson(), JSON.stringify(FULL_CONFIG), '{"masters":["http://m:5050"]}'];
  const file = path.join(dir, 'config.json');
  return {
    name: 'config-file',
    typed: [ConfigError],
    multiLine: true,
    mutate: (r) => mutateJson(r.pick(seeds), r),
    run: (input) => {
      fs.writeFileSync(file, input);
      const layer = readConfigFile(file, true);
      return resolveConfig(layer ? [layer] : []);
    },
  };
};

/** Every leaf of the default config as its MESOS_PANEL_* name, and a few names that are not. */
function envNames(): string[] {
  const names: string[] = [];
  const walk = (o: Record<string, unknown>, prefix: string[]) => {
    for (const [k, v] of Object.entries(o)) {
      const p = [...prefix, k];
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && k !== 'customPins') walk(v as Record<string, unknown>, p);
      else names.push(`MESOS_PANEL_${p.map((s) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()).join('__')}`);
    }
  };
  walk(JSON.parse(defaultConfigJson()) as Record<string, unknown>, []);
  return [...names, 'MESOS_PANEL_', 'MESOS_PANEL___PROTO__', 'MESOS_PANEL_DISPLAY__KIND__X', 'MESOS_PANEL_CONSTRUCTOR'];
}

const configEnvTarget = (): FuzzTarget => {
  const names = envNames();
  const values = JSON.parse(JSON.stringify({ ...JSON.parse(defaultConfigJson()), ...FULL_CONFIG })) as Record<string, unknown>;
  return {
    name: 'config-env',
    typed: [ConfigError],
    multiLine: true,
    // The case is a JSON object of variables; values are mutated JSON texts of config values, so the env
    // coercion (numbers, booleans, lists, JSON for null-default keys) meets every odd shape.
    mutate: (r) => {
      const env: Record<string, string> = {};
      const ops: string[] = [];
      for (let i = 1 + r.int(4); i > 0; i--) {
        const name = r.pick(names);
        const m = mutateJson(JSON.stringify(r.pick(Object.values(values))), r, 0.5);
        const text = m.bytes.toString('utf8');
        env[name] = r.chance(0.3) ? text.replace(/^"|"$/g, '') : text;
        ops.push(name, ...m.ops);
      }
      return { bytes: Buffer.from(JSON.stringify(env)), ops };
    },
    run: (input) => resolveConfig([envLayer(JSON.parse(input.toString('utf8')) as NodeJS.ProcessEnv)]),
  };
};

const credentialsTarget = (dir: string): FuzzTarget => {
  const seeds = ['{"principal":"panel","secret":"s3cr3t"}', '{"credentials":[{"principal":"panel","secret":"s3cr3t"}]}'];
  const file = path.join(dir, 'credentials');
  return {
    name: 'credentials',
    typed: [ConfigError],
    mutate: (r) => (r.chance(0.15) ? { bytes: mutateBytes(Buffer.from('panel s3cr3t\n'), r, []), ops: ['text'] } : mutateJson(r.pick(seeds), r)),
    run: (input, r) => {
      fs.rmSync(file, { force: true });
      fs.writeFileSync(file, input, { mode: r.chance(0.1) ? 0o644 : 0o600 });
      return readCredentials(file);
    },
    check: (c) => {
      const { principal, secret } = c as { principal: unknown; secret: unknown };
      return typeof principal === 'string' && principal !== '' && typeof secret === 'string' ? null : 'credentials without a principal or secret';
    },
  };
};

const cliTarget = (dir: string, command: 'status' | 'render'): FuzzTarget => {
  const seeds = stateSeeds().small;
  const file = path.join(dir, `${command}-state.json`);
  const png = path.join(dir, 'out.png');
  const config: Config = resolveConfig([]);
  return {
    name: `cli-${command}`,
    typed: [UsageError, HttpError, StateFormatError, ConfigError],
    mutate: (r) => mutateJson(r.pick(seeds), r),
    run: async (input, r) => {
      fs.writeFileSync(file, input);
      const out: string[] = [];
      const ctx: CommandContext = { config: () => config, configFile: () => undefined, out: (t) => void out.push(t), log: memoryLogger() };
      const args =
        command === 'status'
          ? ['status', '--state-file', file, ...(r.chance(0.5) ? ['--json'] : [])]
          : ['render', '--state-file', file, '--png', png, '--screen', r.pick(['overview', 'agents', 'frameworks', 'unreachable']), '--size', r.pick(['128x64', '128x32', '20x4', '16x2']), '--page', String(r.int(3))];
      await buildProgram(ctx).parseAsync(['node', 'mesos-panel', ...args]);
      return out.join('\n');
    },
    check: (text) => {
      const bad = /(total|used|offered|free|unreachable)"?:? ?-?(NaN|Infinity|null|undefined)/.exec(text as string);
      return bad ? `output shows ${bad[0]}` : null;
    },
  };
};

/** Every target; `dir` is a scratch directory for the ones that go through files. */
export function allTargets(dir: string): FuzzTarget[] {
  return [
    stateTarget(),
    recordioTarget(),
    schedulerTarget(),
    executorTarget(),
    taskDataTarget(),
    exactTaskDataTarget(),
    ledgerTarget(),
    ledgerUpdateTarget(false),
    ledgerUpdateTarget(true),
    configFileTarget(dir),
    configEnvTarget(),
    credentialsTarget(dir),
    cliTarget(dir, 'status'),
    cliTarget(dir, 'render'),
    ...operatorTargets(),
  ];
}
