// Every failure the fuzzers found, kept as a named case (the seed and case that found it in the comment).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, resolveConfig } from '../../src/config';
import { envLayer, readConfigFile } from '../../src/config-load';
import { decodeExecutorEvent } from '../../src/mesos/executor-client';
import { silenceLimitMs } from '../../src/mesos/scheduler-client';
import { decodeSchedulerEvent, EventError } from '../../src/mesos/scheduler-events';
import { parseState, StateFormatError } from '../../src/mesos/state-parse';
import { fast } from '../../src/pi/kernel';
import { Ledger } from '../../src/pi/ledger';
import { parseLedger, serializeLedger } from '../../src/pi/ledger-store';
import { decodeTaskResult, encodeTaskResult, TaskDataError } from '../../src/pi/task-data';
import { cleanTree } from '../../scripts/fuzz/targets';

const DEEP = 10_000;
const deepArray = '['.repeat(DEEP) + ']'.repeat(DEEP);
const deepObject = '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-regress-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function configError(text: string): ConfigError {
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, text);
  try {
    const layer = readConfigFile(file, true);
    resolveConfig(layer ? [layer] : []);
  } catch (err) {
    return err as ConfigError;
  }
  throw new Error('accepted');
}

describe('config loader', () => {
  // config-file, FUZZ_SEED=1 case 0: RangeError (stack overflow) in JSON.stringify, showing the bad value.
  test('a 10,000-level array where a number belongs is a one-line ConfigError', () => {
    const err = configError(`{"maxStateBytes":${deepArray}}`);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(`config: values nested more than 16 levels deep (${path.join(dir, 'config.json')}); the config is small, fix the file`);
  });

  // config-file, FUZZ_SEED=1 case 13: stack overflow in mergeLayer's structuredClone of a deep object.
  test('a 10,000-level object under a nested key is a one-line ConfigError', () => {
    const err = configError(`{"display":{"lcd":{"customPins":${deepObject}}}}`);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^config: values nested more than 16 levels deep/);
  });

  // config-file, FUZZ_SEED=2 case 140: the whole file a deep array; stack overflow while naming it.
  test('a file that is a deep array says it must hold an object', () => {
    const err = configError(deepArray);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(`config: ${path.join(dir, 'config.json')} must hold a JSON object, not an array`);
  });

  // config-env, FUZZ_SEED=1: a null-default key's variable is read as JSON, so it can nest as deep as a file.
  test('a deep JSON value in an environment variable is a ConfigError', () => {
    expect(() => resolveConfig([envLayer({ MESOS_PANEL_DISPLAY__ADDRESS: deepObject })])).toThrow(ConfigError);
    expect(() => resolveConfig([envLayer({ MESOS_PANEL_DISPLAY__ADDRESS: deepObject })])).toThrow(/^config: values nested more than 16 levels deep \(environment\)/);
  });

  // config-file, FUZZ_SEED=20261124 case 4803 (and config-env case 2243): 100,000 masters took 3 to 13 s to
  // validate, each one a failed URL parse, and made a 100,000-line error.
  test('a list of 100,000 masters is refused at once, in one line', () => {
    const err = configError(JSON.stringify({ masters: new Array(100_000).fill('x') }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(`config: masters has 100000 entries, more than the 256 allowed (${path.join(dir, 'config.json')}); the config is small, fix the file`);
    expect(() => resolveConfig([envLayer({ MESOS_PANEL_MASTERS: new Array(1000).fill('x').join(',') })])).toThrow(/^config: masters has 1000 entries/);
  });

  test('many bad entries under the cap list ten and count the rest', () => {
    const err = configError(JSON.stringify({ masters: new Array(200).fill('ftp://x') }));
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe('config: 190 more problems like these; fix the ones above first');
  });

  // Found with the executor-event case below: V8's JSON.parse message quotes the text, newlines included.
  test('invalid JSON across lines is still one line', () => {
    const err = configError('{\n"masters": [\n},\n{}');
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).not.toMatch(/\n/);
    expect(err.message).toMatch(/^config: .* is not valid JSON \(.*\); fix the file$/);
  });

  test('the real config depth still loads', () => {
    const c = resolveConfig([{ source: 't', values: { display: { lcd: { pinMap: 'custom', customPins: { rs: 0, rw: 1, e: 2, backlight: 3, d4: 4, d5: 5, d6: 6, d7: 7 } } } } }]);
    expect(c.display.lcd.customPins?.d7).toBe(7);
  });
});

describe('/state parser', () => {
  const agent = (id: string, cpus: number) => ({ id, hostname: id, resources: { cpus, mem: 1024 } });

  // state, FUZZ_SEED=2 case 2250 (and cli-status case 206): two agents of 1e308 CPUs summed to Infinity,
  // and free = total - used - offered became NaN on the panel.
  test('an amount that could overflow the sums is refused, naming where', () => {
    const doc = { slaves: [agent('a', 1e308), agent('b', 1e308)], frameworks: [] };
    expect(() => parseState(doc, 'm')).toThrow(StateFormatError);
    expect(() => parseState(doc, 'm')).toThrow('m: slaves[0].resources.cpus is a number (1e+308), expected a number within ±1000000000000000');
    expect(() => parseState({ slaves: [{ ...agent('a', 4), used_resources: { cpus: -1e300 } }], frameworks: [] })).toThrow(/slaves\[0\]\.used_resources\.cpus/);
  });

  test('the largest real amounts still parse', () => {
    const s = parseState({ slaves: [agent('a', 1e15), agent('b', 1e15)], frameworks: [] });
    expect(s.cpus.total).toBe(2e15);
    expect(Number.isFinite(s.cpus.free)).toBe(true);
  });
});

describe('event decoders', () => {
  // executor-event, FUZZ_SEED=2800985627 case 204: a truncated record whose JSON error quoted "{},\n}" gave a
  // two-line EventError.
  test.each([
    ['executor', decodeExecutorEvent],
    ['scheduler', decodeSchedulerEvent],
  ])('%s: invalid JSON with newlines near the error is one line', (stream, decode) => {
    const record = Buffer.from('{"type":"SUBSCRIBED","x":[{},{},{},\n},{},{}');
    let err: unknown;
    try {
      decode(record);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EventError);
    expect((err as Error).message).toMatch(new RegExp(`^malformed ${stream} event: not valid JSON \\(`));
    expect((err as Error).message).not.toMatch(/\n/);
  });
});

describe('base64 fields', () => {
  const update = (data: string) =>
    JSON.stringify({ type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_FINISHED', data } } });

  // ledger-update, FUZZ_SEED=5 case 77: a TASK_FINISHED whose data was a 4 MB result (5.6 MB of base64)
  // overflowed the base64 regexp's backtracking stack: a RangeError, not an EventError, so the client
  // dropped the subscription, and Mesos resends an unacknowledged update on every reconnect.
  test('5.6 MB of base64 decodes, and 5.6 MB of almost-base64 is an EventError', () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 7).toString('base64');
    const e = decodeSchedulerEvent(update(big));
    expect(e.type === 'UPDATE' && e.update.status.data?.length).toBe(big.length);
    expect(() => decodeSchedulerEvent(update(`${big.slice(0, -4)}!AAA`))).toThrow(EventError);
  });

  test.each([
    ['', true],
    ['AAAA', true],
    ['AAA=', true],
    ['AA==', true],
    ['A===', false],
    ['AAA', false],
    ['AA=A', false],
    ['AA-_', false],
    ['AA\nA', false],
  ])('%p is base64: %p', (data, ok) => {
    const decode = () => decodeSchedulerEvent(update(data));
    if (ok) expect(decode).not.toThrow();
    else expect(decode).toThrow(/update\.status\.data must be standard base64/);
  });
});

describe('task results the ledger must be able to save', () => {
  const OPTS = { minChunkTerms: 200_000, targetTaskSeconds: 10, maxGrowth: 10, maxFailuresPerAgent: 3 };
  const chunk = { start: 0, end: 200_000, kernel: 'fast' as const };
  const result = (ms: number) => encodeTaskResult({ ...chunk, ...fast(chunk.start, chunk.end), terms: 200_000, ms });

  // ledger-update, FUZZ_SEED=5 case 4066: "ms": 5e-324 made the agent's speed Infinity, saved as null, and
  // the saved ledger failed to load: on the next start the job would have been moved aside as corrupt.
  test.each([5e-324, 1e-9, 1e13])('ms %p is refused with a TaskDataError', (ms) => {
    expect(() => decodeTaskResult(result(ms), chunk)).toThrow(TaskDataError);
    expect(() => decodeTaskResult(result(ms), chunk)).toThrow(/"ms"/);
  });

  test('what is accepted still saves and loads', () => {
    for (const ms of [0, 0.5, 4000, 1e12]) {
      const led = Ledger.create('job9', 4_000_000, 'fast', 1000, OPTS);
      const l = led.nextChunk('agent-a', 2000)!;
      led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', agentId: 'agent-a', data: encodeTaskResult({ ...l, ...fast(l.start, l.end), terms: l.end - l.start, ms }) }, 3000);
      expect(() => parseLedger(serializeLedger(led), 5000, OPTS)).not.toThrow();
    }
  });
});

describe('ledger files', () => {
  const OPTS = { minChunkTerms: 200_000, targetTaskSeconds: 10, maxGrowth: 10, maxFailuresPerAgent: 3 };
  const good = () => JSON.parse(serializeLedger(Ledger.create('job9', 4_000_000, 'fast', 1000, OPTS)));

  // ledger-file, FUZZ_SEED=4242 case 482: 260 KB of bad `speeds` entries took 10-20 s to refuse, as zod described
  // every entry's failed union when the message names only the first. The lists are now checked entry by entry.
  test('a file of 100,000 bad speeds is refused at the first, named with its place', () => {
    const j = good();
    j.speeds = new Array(100_000).fill([{ a: 1 }, -1]);
    expect(() => parseLedger(JSON.stringify(j), 0, OPTS)).toThrow(/^speeds\.0(\.|:)/);
  });

  // ledger-file, FUZZ_SEED=22604137 case 117: zod quoted a kernel of "\n" and the message became two lines.
  test('a bad value quoted in the message keeps it one line', () => {
    const j = good();
    j.kernel = '\n';
    expect(() => parseLedger(JSON.stringify(j), 0, OPTS)).toThrow(/^kernel: .*received '\\u000a'$/);
  });
});

describe('scheduler client watchdog', () => {
  // scheduler-event: SUBSCRIBED with heartbeat_interval_seconds 1e308 (or stout's "Infinity") decodes, and
  // 5 × 1e308 × 1000 ms is Infinity, which setTimeout runs after 1 ms: every subscription ended at once.
  test.each([
    [undefined, 75_000],
    [15, 75_000],
    [1e308, 2 ** 31 - 1],
    [Infinity, 2 ** 31 - 1],
    [1e-9, 1],
    [0.02, 100],
    [NaN, 75_000],
  ])('heartbeat %p s gives a silence limit of %p ms', (hb, ms) => {
    expect(silenceLimitMs(hb)).toBe(ms);
  });
});

describe('fuzz invariant helpers', () => {
  test('cleanTree finds an own __proto__ key and passes a clean tree', () => {
    expect(cleanTree(JSON.parse('{"a":[{"__proto__":{"x":1}}]}'))).toBe('result.a.0 carries key __proto__');
    expect(cleanTree({ a: [{ b: 1 }], c: null })).toBeNull();
  });
});
