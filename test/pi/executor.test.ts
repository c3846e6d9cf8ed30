import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import { runExecutor } from '../../src/pi/executor-main';
import { exactChunk } from '../../src/pi/exact-kernel';
import { decodeExactResult, encodeExactRequest } from '../../src/pi/exact-task-data';
import { decodeTaskResult } from '../../src/pi/task-data';
import { runKernel } from '../../src/pi/kernel';
import { FakeAgent, REAL, RECORDED_LAUNCH, RECORDED_SUBSCRIBED, agentEnv, buildExecutorBundle, until } from './executor-harness';

const FW = '8764bf41-b9a6-46da-a458-0fd7e65f2641-0000';
let dir: string;
let workerScript: string;
const agents: FakeAgent[] = [];
const executors: { stop(): void }[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'executor-test-'));
  workerScript = buildExecutorBundle(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  for (const e of executors.splice(0)) e.stop();
  await Promise.all(agents.splice(0).map((a) => a.stop()));
});

async function start(extraEnv: Record<string, string> = {}, setup: (a: FakeAgent) => void = () => undefined) {
  const agent = await new FakeAgent().start();
  agents.push(agent);
  setup(agent);
  const env = agentEnv(agent, { MESOS_PANEL_EXECUTOR_IDLE_MS: '0', ...extraEnv });
  const logger = memoryLogger();
  let exitCode: number | undefined;
  const executor = runExecutor({ env: (n) => env[n], logger, workerScript, exit: (c) => void (exitCode = c) });
  executors.push(executor);
  return { agent, logger, exited: () => exitCode };
}

function uuidBytes(b64: string): Buffer {
  return Buffer.from(b64, 'base64');
}

describe('the executor against a fake agent', () => {
  it('runs the recorded LAUNCH and sends updates shaped like a real executor\'s', async () => {
    const { agent, exited } = await start({}, (a) => {
      a.onSubscribe = () => {
        a.send(RECORDED_SUBSCRIBED);
        a.send(RECORDED_LAUNCH);
      };
    });
    await until('exit', () => exited() !== undefined);
    expect(exited()).toBe(0);
    expect(agent.contentTypes.every((t) => t === 'application/json')).toBe(true);

    const recorded = readFileSync(join(REAL, 'executor-calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).call);
    const updates = agent.calls.filter((c) => c.type === 'UPDATE');
    expect(updates.map((u) => u.update.status.state)).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
    updates.forEach((u, i) => {
      const want = recorded[i];
      expect(Object.keys(u).sort()).toEqual(Object.keys(want).sort());
      expect(u.executor_id).toEqual(want.executor_id);
      expect(u.framework_id).toEqual({ value: FW });
      const s = u.update.status;
      expect(Object.keys(s).sort()).toEqual(Object.keys(want.update.status).sort());
      expect(s.task_id).toEqual({ value: 'capture-task-1' });
      expect(s.source).toBe('SOURCE_EXECUTOR');
      expect(s.executor_id).toEqual(u.executor_id);
      const uuid = uuidBytes(s.uuid);
      expect(uuid).toHaveLength(16);
      expect(uuid[6] >> 4).toBe(4); // RFC-4122 version
      expect(uuid[8] >> 6).toBe(2); // RFC-4122 variant
      expect(typeof s.timestamp).toBe('number');
    });
    expect(updates[0].update.status.uuid).not.toBe(updates[1].update.status.uuid);
    const result = decodeTaskResult(Buffer.from(updates[1].update.status.data, 'base64'), { start: 0, end: 1_000_000, kernel: 'precise' });
    const expected = runKernel('precise', 0, 1_000_000);
    expect([result.hi, result.lo, result.errBound]).toEqual([expected.hi, expected.lo, expected.errBound]);
    expect(agent.subscribes[0].subscribe).toEqual({ unacknowledged_tasks: [], unacknowledged_updates: [] });
  });

  it.each([
    ['not JSON', 'start=0', 'task data is not valid JSON'],
    ['an odd start', '{"start":1,"end":4,"kernel":"fast"}', 'task data: "start" must be even (got 1)'],
    ['an unknown kernel', '{"start":0,"end":4,"kernel":"turbo"}', 'task data: "kernel" must be one of precise, fast (got string "turbo")'],
    ['a range past 1e15', '{"start":0,"end":2e15,"kernel":"fast"}', 'task data: "end" must be an integer from 0 to 1000000000000000 (got 2000000000000000)'],
    ['no data at all', undefined, 'task data is missing; the scheduler must send JSON {start, end, kernel}'],
  ])('answers bad task data (%s) with TASK_FAILED saying what was wrong', async (_name, data, message) => {
    const { agent, exited } = await start();
    await until('subscribe', () => agent.subscribes.length === 1);
    agent.launch('bad-1', data);
    await until('exit', () => exited() !== undefined);
    expect(agent.statuses.map((s) => [s.state, s.message])).toEqual([['TASK_FAILED', message]]);
  });

  it('kills a long chunk at once on KILL, with TASK_KILLED, and stays up for more work', async () => {
    const { agent, exited } = await start({ MESOS_PANEL_EXECUTOR_IDLE_MS: '600000' });
    await until('subscribe', () => agent.subscribes.length === 1);
    agent.launch('long-1', '{"start":0,"end":1000000000000000,"kernel":"precise"}');
    await until('TASK_RUNNING', () => agent.statuses.length === 1);
    agent.send({ type: 'KILL', kill: { task_id: { value: 'long-1' } } });
    await until('TASK_KILLED', () => agent.statuses.length === 2);
    expect(agent.statuses.map((s) => s.state)).toEqual(['TASK_RUNNING', 'TASK_KILLED']);
    expect(exited()).toBeUndefined();
    agent.launch('short-2', '{"start":0,"end":1000,"kernel":"fast"}');
    await until('TASK_FINISHED', () => agent.statuses.length === 4);
    expect(agent.statuses.slice(2).map((s) => s.state)).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
  });

  it('sums an exact chunk at P bits and returns the sum the kernel gives, as base64', async () => {
    const { agent } = await start({ MESOS_PANEL_EXECUTOR_IDLE_MS: '600000' });
    await until('subscribe', () => agent.subscribes.length === 1);
    const request = { start: 10_000, end: 14_000, kernel: 'exact' as const, bits: 20_000 };
    agent.launch('exact-1', encodeExactRequest(request));
    await until('TASK_FINISHED', () => agent.statuses.some((s) => s.state === 'TASK_FINISHED'));
    const finished = agent.statuses.find((s) => s.state === 'TASK_FINISHED')!;
    const result = decodeExactResult(Buffer.from(finished.data, 'base64'), request);
    expect({ sum: result.sum, bound: result.bound }).toEqual(exactChunk(10_000, 14_000, 20_000));
    agent.launch('exact-bad', '{"start":0,"end":4,"kernel":"exact","bits":1}');
    await until('TASK_FAILED', () => agent.statuses.some((s) => s.state === 'TASK_FAILED'));
    expect(agent.statuses.find((s) => s.state === 'TASK_FAILED')!.message).toBe('task data: "bits" must be an integer from 64 to 400000 (got 1)');
  });

  it('runs consecutive tasks on one kept worker, and on a fresh one after a KILL', async () => {
    const { agent, logger } = await start({ MESOS_PANEL_EXECUTOR_IDLE_MS: '600000' });
    await until('subscribe', () => agent.subscribes.length === 1);
    const finishedOn = (taskId: string): [string, string] => {
      const line = logger.lines.find((l) => l.includes(`task ${taskId}: `));
      const m = line?.match(/\(chunk (\d+) on worker (\d+)\)$/);
      if (!m) throw new Error(`no result line for ${taskId} in:\n${logger.lines.join('\n')}`);
      return [m[1], m[2]];
    };
    const requests = ['{"start":0,"end":2000,"kernel":"fast"}', '{"start":2000,"end":4000,"kernel":"precise"}'];
    for (const [i, data] of requests.entries()) {
      agent.launch(`t-${i}`, data);
      await until(`t-${i} finished`, () => agent.statuses.filter((s) => s.state === 'TASK_FINISHED').length === i + 1);
    }
    const [first, second] = [finishedOn('t-0'), finishedOn('t-1')];
    expect(first[0]).toBe('1');
    expect(second).toEqual(['2', first[1]]);
    const [, precise] = agent.statuses.filter((s) => s.state === 'TASK_FINISHED');
    const result = decodeTaskResult(Buffer.from(precise.data, 'base64'), { start: 2000, end: 4000, kernel: 'precise' });
    const expected = runKernel('precise', 2000, 4000);
    expect([result.hi, result.lo, result.errBound]).toEqual([expected.hi, expected.lo, expected.errBound]);

    // The kept worker is the one a KILL ends; the next task must get a new one and still finish.
    agent.launch('long', '{"start":0,"end":1000000000000000,"kernel":"precise"}');
    await until('long running', () => agent.statuses.some((s) => s.task_id.value === 'long'));
    agent.send({ type: 'KILL', kill: { task_id: { value: 'long' } } });
    await until('TASK_KILLED', () => agent.statuses.some((s) => s.state === 'TASK_KILLED'));
    agent.launch('after', '{"start":0,"end":2000,"kernel":"fast"}');
    await until('after finished', () => agent.statuses.filter((s) => s.state === 'TASK_FINISHED').length === 3);
    const after = finishedOn('after');
    expect(after[0]).toBe('1');
    expect(after[1]).not.toBe(first[1]);
    expect(agent.statuses.map((s) => [s.task_id.value, s.state]).slice(4)).toEqual([
      ['long', 'TASK_RUNNING'],
      ['long', 'TASK_KILLED'],
      ['after', 'TASK_RUNNING'],
      ['after', 'TASK_FINISHED'],
    ]);
  });

  it('on SHUTDOWN kills what runs and exits once the agent has the updates', async () => {
    const { agent, exited } = await start({ MESOS_PANEL_EXECUTOR_IDLE_MS: '600000' });
    await until('subscribe', () => agent.subscribes.length === 1);
    agent.launch('long-1', '{"start":0,"end":1000000000000000,"kernel":"fast"}');
    agent.launch('long-2', '{"start":0,"end":1000000000000000,"kernel":"fast"}');
    await until('both running', () => agent.statuses.length === 2);
    agent.send({ type: 'SHUTDOWN' });
    await until('exit', () => exited() !== undefined);
    expect(exited()).toBe(0);
    expect(agent.statuses.slice(2).map((s) => [s.task_id.value, s.state])).toEqual([
      ['long-1', 'TASK_KILLED'],
      ['long-2', 'TASK_KILLED'],
    ]);
  });

  it('resends unacknowledged updates and tasks in SUBSCRIBE after the stream breaks (checkpointing on)', async () => {
    const { agent, exited } = await start({}, (a) => {
      a.ack = (s) => s.state === 'TASK_RUNNING';
    });
    await until('subscribe', () => agent.subscribes.length === 1);
    agent.launch('t-1', '{"start":0,"end":2000,"kernel":"fast"}');
    await until('TASK_FINISHED', () => agent.statuses.length === 2);
    const finished = agent.statuses[1];
    agent.ack = () => true;
    agent.onSubscribe = (call) => {
      agent.send(RECORDED_SUBSCRIBED);
      for (const u of call.subscribe.unacknowledged_updates) agent.acknowledge(u.status);
    };
    agent.closeStream();
    await until('exit', () => exited() !== undefined);
    expect(exited()).toBe(0);
    const again = agent.subscribes[1].subscribe;
    expect(again.unacknowledged_updates).toEqual([{ status: finished }]);
    // The task counts as acknowledged once TASK_RUNNING was: only the update is still owed.
    expect(again.unacknowledged_tasks).toEqual([]);
    expect(agent.statuses).toHaveLength(2);
  });

  it('resends the task itself when none of its updates was acknowledged', async () => {
    const { agent } = await start({ MESOS_PANEL_EXECUTOR_IDLE_MS: '600000' }, (a) => {
      a.ack = () => false;
    });
    await until('subscribe', () => agent.subscribes.length === 1);
    agent.launch('t-1', '{"start":0,"end":2000,"kernel":"fast"}');
    await until('TASK_FINISHED', () => agent.statuses.length === 2);
    agent.closeStream();
    await until('resubscribe', () => agent.subscribes.length === 2);
    const again = agent.subscribes[1].subscribe;
    expect(again.unacknowledged_updates.map((u: any) => u.status.state)).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
    expect(again.unacknowledged_tasks.map((t: any) => t.task_id.value)).toEqual(['t-1']);
    expect(again.unacknowledged_tasks[0].executor).toEqual(RECORDED_LAUNCH.launch.task.executor);
  });

  it('exits on a broken subscription when checkpointing is off', async () => {
    const { agent, exited, logger } = await start({ MESOS_CHECKPOINT: '0', MESOS_PANEL_EXECUTOR_IDLE_MS: '600000' });
    await until('subscribe', () => agent.subscribes.length === 1);
    agent.launch('t-1', '{"start":0,"end":2000,"kernel":"fast"}');
    await until('finished', () => agent.statuses.length === 2);
    agent.closeStream();
    await until('exit', () => exited() !== undefined);
    expect(exited()).toBe(0);
    expect(logger.lines.some((l) => /checkpointing is off, so exiting/.test(l))).toBe(true);
  });

  it('gives up after the recovery timeout when the agent stays away', async () => {
    const { agent, exited, logger } = await start({ MESOS_RECOVERY_TIMEOUT: '200ms' });
    await until('subscribe', () => agent.subscribes.length === 1);
    agent.launch('t-1', '{"start":0,"end":1000000000000000,"kernel":"fast"}');
    await until('running', () => agent.statuses.length === 1);
    await agent.stop();
    await until('exit', () => exited() !== undefined);
    expect(exited()).toBe(1);
    expect(logger.lines.some((l) => /not back within the recovery timeout of 0.2 s/.test(l))).toBe(true);
  });

  it('reports every missing variable in one line and exits 2', async () => {
    const logger = memoryLogger();
    let code: number | undefined;
    runExecutor({ env: (n) => ({ MESOS_CHECKPOINT: '1', PATH: '/bin' })[n], logger, workerScript, exit: (c) => void (code = c) });
    expect(code).toBe(2);
    expect(logger.lines).toEqual([
      'error: executor environment: missing MESOS_AGENT_ENDPOINT, MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID, MESOS_RECOVERY_TIMEOUT, MESOS_SUBSCRIPTION_BACKOFF_MAX; this program must be started by a Mesos agent',
    ]);
  });
});
