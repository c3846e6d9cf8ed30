// Hostile task data at the executor (issue 6, "Security"): every LAUNCH whose data is malformed ends in one
// TASK_FAILED naming what was wrong, and the same executor then still runs a good chunk to TASK_FINISHED,
// so nothing crashed or hung. test/pi/executor.test.ts has the common cases (not JSON, odd start, unknown
// kernel, past 1e15, no data); these are the hostile ones, sent as raw LAUNCH events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import { runExecutor } from '../../src/pi/executor-main';
import { MAX_TASK_DATA_BYTES } from '../../src/pi/task-data';
import { FakeAgent, RECORDED_LAUNCH, agentEnv, buildExecutorBundle, until } from '../pi/executor-harness';

let dir: string;
let workerScript: string;
let agent: FakeAgent;
let executor: { stop(): void };
const logger = memoryLogger();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'executor-input-'));
  workerScript = buildExecutorBundle(dir);
  agent = await new FakeAgent().start();
  const env = agentEnv(agent, { MESOS_PANEL_EXECUTOR_IDLE_MS: '600000' });
  executor = runExecutor({ env: (n) => env[n], logger, workerScript, exit: () => undefined });
  await until('subscribe', () => agent.subscribes.length === 1);
});

afterAll(async () => {
  executor.stop();
  await agent.stop();
  rmSync(dir, { recursive: true, force: true });
});

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
let seq = 0;

/** Sends a LAUNCH whose task carries exactly `data` (already in its wire form) and returns the task's statuses once final. */
async function launch(data: unknown): Promise<{ state: string; message?: string }[]> {
  const id = `hostile-${++seq}`;
  const task: Record<string, unknown> = { ...RECORDED_LAUNCH.launch.task, task_id: { value: id }, data };
  agent.send({ type: 'LAUNCH', launch: { task } });
  const mine = () => agent.statuses.filter((s) => s.task_id.value === id);
  await until(`a final status for ${id}`, () => mine().some((s) => s.state !== 'TASK_RUNNING'));
  return mine().map((s) => ({ state: s.state, message: s.message }));
}

describe('hostile task data gets TASK_FAILED with the reason', () => {
  test.each([
    ['over the size limit', b64(JSON.stringify({ start: 0, end: 4, kernel: 'fast', pad: 'x'.repeat(MAX_TASK_DATA_BYTES) })), /^task data is \d+ bytes, over the 4096-byte limit$/],
    ['invalid UTF-8', b64(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), /^task data is not valid UTF-8$/],
    ['a lone surrogate escape', b64('{"start":0,"end":4,"kernel":"\\ud800"}'), /"kernel" must be one of precise, fast/],
    ['a __proto__ key', b64('{"start":0,"end":4,"kernel":"fast","__proto__":{"end":1e15}}'), /^task data has unknown key "__proto__"$/],
    ['a constructor key', b64('{"start":0,"end":4,"kernel":"fast","constructor":{}}'), /^task data has unknown key "constructor"$/],
    ['deep nesting', b64(`{"start":${deep(1000)},"end":4,"kernel":"fast"}`), /"start" must be a finite number \(got an array\)/],
    ['1e308', b64('{"start":0,"end":1e308,"kernel":"fast"}'), /"end" must be an integer from 0 to 1000000000000000/],
    ['2^53 + 1 (not exact in a double)', b64('{"start":0,"end":9007199254740993,"kernel":"fast"}'), /"end" must be an integer from 0 to 1000000000000000/],
    ['a negative start', b64('{"start":-2,"end":4,"kernel":"fast"}'), /"start" must be an integer from 0/],
    ['a fraction', b64('{"start":0,"end":4.5,"kernel":"fast"}'), /"end" must be an integer/],
    ['a numeric string', b64('{"start":"0","end":4,"kernel":"fast"}'), /"start" must be a finite number \(got string "0"\)/],
    ['a kernel path', b64('{"start":0,"end":4,"kernel":"../../etc/passwd"}'), /"kernel" must be one of precise, fast/],
    ['a kernel of another case', b64('{"start":0,"end":4,"kernel":"FAST"}'), /"kernel" must be one of precise, fast/],
    ['an array', b64('[0,4,"fast"]'), /must be a JSON object/],
    ['empty', '', /not valid JSON|missing/],
  ])('%s', async (_what, data, reason) => {
    const statuses = await launch(data);
    expect(statuses).toHaveLength(1);
    expect(statuses[0].state).toBe('TASK_FAILED');
    expect(statuses[0].message).toMatch(reason);
    expect(statuses[0].message).not.toMatch(/\n/);
  });

  // Found here: the event decoder refused such a LAUNCH as a whole, the executor never heard of the task, and
  // it stayed STAGING for ever. Now the executor client fails every task a malformed LAUNCH still names.
  test.each([
    ['base64 garbage', '!!!not base64!!!', /^executor refused the task: malformed event: launch\.task\.data must be standard base64, got "!!!not base64!!!"$/],
    ['data that is a number', 42, /^executor refused the task: malformed event: launch\.task\.data must be a string, got number 42$/],
    ['data that is an object', { start: 0 }, /launch\.task\.data must be a string, got an object$/],
  ])('%s is TASK_FAILED too, not a task left hanging', async (_what, data, reason) => {
    const statuses = await launch(data);
    expect(statuses).toHaveLength(1);
    expect(statuses[0].state).toBe('TASK_FAILED');
    expect(statuses[0].message).toMatch(reason);
  });

  test('after all of that, the same executor still runs a good chunk', async () => {
    const statuses = await launch(b64(JSON.stringify({ start: 0, end: 100_000, kernel: 'fast' })));
    expect(statuses.map((s) => s.state)).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
    expect(logger.lines.filter((l) => /handling .* failed|TypeError|RangeError/.test(l))).toEqual([]);
  });
});
