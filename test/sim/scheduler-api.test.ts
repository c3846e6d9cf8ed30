import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SimCluster, startSimCluster } from '../../src/sim';
import { JSON_HEADERS, type Json, TestScheduler, executorInfo, launch, startFileServer, taskInfo } from './test-scheduler';

const REAL = join(__dirname, '../fixtures/mesos/real-1.12.0');
const recordedEvents = JSON.parse(readFileSync(join(REAL, 'scheduler-events.json'), 'utf8')) as Json[];
const recordedCalls = readFileSync(join(REAL, 'scheduler-calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Json);
const FRAMEWORK = { user: 'root', name: 'sim-test', checkpoint: true, failover_timeout: 3600, capabilities: [{ type: 'MULTI_ROLE' }], roles: ['*'] };

function keysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [keysDeep(v[0])] : [];
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, keysDeep((v as Json)[k])]));
  return typeof v;
}

describe('simulated master: v1 scheduler API', () => {
  let cluster: SimCluster;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  const schedulers: TestScheduler[] = [];
  const newScheduler = (): TestScheduler => {
    const s = new TestScheduler(cluster.url);
    schedulers.push(s);
    return s;
  };

  beforeAll(async () => {
    files = await startFileServer();
    cluster = await startSimCluster({ agents: 2, seed: 11, background: false, allocationIntervalMs: 50, updateRetryMs: 300, heartbeatIntervalSeconds: 1, tickMs: 50 });
  });
  afterEach(async () => {
    for (const s of schedulers.splice(0)) {
      if (s.frameworkId && !s.ended) await s.call({ type: 'TEARDOWN' });
      s.close();
    }
  });
  afterAll(async () => {
    await cluster.close();
    await files.close();
  });

  it('answers the recorded traps: 415, 400 unknown framework, 405, wrong stream id, bad uuid, one-sided framework_id', async () => {
    const post = (body: unknown, headers: Record<string, string>) =>
      fetch(`${cluster.url}/api/v1/scheduler`, { method: 'POST', headers, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const [r415, rUnknown] = recordedCalls;
    expect(await post(r415.call, r415.headers)).toEqual({ status: r415.status, text: r415.reply });
    expect(await post(rUnknown.call, rUnknown.headers)).toEqual({ status: 400, text: 'Framework cannot be found' });
    expect((await fetch(`${cluster.url}/api/v1/scheduler`)).status).toBe(405);
    expect((await fetch(`${cluster.url}/api/v1/scheduler`, { method: 'POST', body: '{}' })).status).toBe(415); // fetch adds text/plain
    const noUser = await post({ type: 'SUBSCRIBE', subscribe: { framework_info: { name: 'x' } } }, JSON_HEADERS);
    expect(noUser.status).toBe(400);
    expect(noUser.text).toContain('Missing required fields: subscribe.framework_info.user');
    expect((await post({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }, { ...JSON_HEADERS, 'Mesos-Stream-Id': 'x' })).status).toBe(400);

    const s = newScheduler();
    const res = await s.subscribe(FRAMEWORK);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(s.streamId).toMatch(/^[0-9a-f-]{36}$/);
    const subscribed = s.events[0];
    expect(keysDeep(subscribed)).toEqual(keysDeep(recordedEvents[0]));
    expect(subscribed.subscribed.heartbeat_interval_seconds).toBe(1);
    expect(subscribed.subscribed.master_info.ip).toBe(16777343);

    const wrong = await s.call({ type: 'DECLINE', decline: { offer_ids: [] } }, { 'Mesos-Stream-Id': 'wrong' });
    expect(wrong).toEqual({ status: 400, text: `The stream ID 'wrong' included in this request didn't match the stream ID currently associated with framework ID ${s.frameworkId}` });
    const badUuid = await s.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'a' }, task_id: { value: 'x' }, uuid: 'bm90LWEtdXVpZA==' } });
    expect(badUuid).toEqual({ status: 400, text: 'Failed to validate scheduler::Call: Not a valid UUID' });
    const oneSided = await post({ type: 'SUBSCRIBE', framework_id: { value: s.frameworkId }, subscribe: { framework_info: FRAMEWORK } }, JSON_HEADERS);
    expect(oneSided).toEqual({ status: 400, text: "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'" });
    await s.next((e) => e.type === 'HEARTBEAT');
    expect((await s.call({ type: 'TEARDOWN' })).status).toBe(202);
    await s.untilEnded();
    expect((await s.call({ type: 'REVIVE' })).text).toBe('Framework cannot be found');
    expect(s.events[s.events.length - 1]).toEqual({ type: 'ERROR', error: { message: 'Framework has been removed' } });
  });

  it('runs a task end to end: offers, launch, one update at a time, data, acks, FAILURE 0, reconciliation', async () => {
    const s = newScheduler();
    await s.subscribe(FRAMEWORK);
    const offersEvent = await s.next((e) => e.type === 'OFFERS');
    expect(keysDeep(offersEvent.offers.offers[0])).toEqual(keysDeep(recordedEvents[1].offers.offers[0]));
    const offer = offersEvent.offers.offers[0];
    expect(offer.resources.map((r: Json) => r.name)).toEqual(['ports', 'cpus', 'mem', 'disk']);
    const agentId = offer.agent_id.value;

    const executor = executorInfo(files.url, 'e2e-exec');
    expect((await s.call(launch(offer.id.value, [taskInfo('t-finish', agentId, executor, { mode: 'finish', result: { hi: 3.14 } })]))).status).toBe(202);
    const running = await s.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 't-finish');
    expect(running.update.status).toMatchObject({ state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', agent_id: { value: agentId }, executor_id: { value: 'e2e-exec' } });
    expect(Buffer.from(running.update.status.uuid, 'base64')).toHaveLength(16);
    expect(keysDeep(running)).toEqual(keysDeep(recordedEvents[3]));

    // Unacknowledged, TASK_RUNNING is resent before TASK_FINISHED is ever forwarded.
    const retried = await s.next((e) => e.type === 'UPDATE' && e !== running && e.update.status.task_id.value === 't-finish');
    expect(retried.update.status.state).toBe('TASK_RUNNING');
    expect(retried.update.status.uuid).toBe(running.update.status.uuid);
    expect((await s.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: agentId }, task_id: { value: 't-finish' }, uuid: running.update.status.uuid } })).status).toBe(202);
    const finished = await s.next((e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_FINISHED');
    expect(JSON.parse(Buffer.from(finished.update.status.data, 'base64').toString())).toEqual({ hi: 3.14 });
    // The task stays in `tasks` until its terminal update is acknowledged.
    const state = (await (await fetch(`${cluster.url}/master/state`)).json()) as Json;
    const fw = state.frameworks.find((f: Json) => f.id === s.frameworkId);
    expect(fw.tasks.map((t: Json) => [t.id, t.state])).toEqual([['t-finish', 'TASK_FINISHED']]);


    // Reconciliation before the terminal ack: latest state, from the master, no uuid (recorded).
    const mark = s.events.length;
    await s.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 't-finish' }, agent_id: { value: agentId } }, { task_id: { value: 'never-launched' }, agent_id: { value: agentId } }] } });
    const known = await s.next((e) => e.type === 'UPDATE' && e.update.status.reason === 'REASON_RECONCILIATION' && e.update.status.task_id.value === 't-finish', mark);
    const unknown = await s.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'never-launched', mark);
    expect(known.update.status).toMatchObject({ state: 'TASK_FINISHED', source: 'SOURCE_MASTER', message: 'Reconciliation: Latest task state' });
    expect(known.update.status.uuid).toBeUndefined();
    expect(known.update.status.data).toBeUndefined();
    expect(keysDeep(unknown)).toEqual(keysDeep(recordedEvents[6]));
    expect(unknown.update.status).toMatchObject({ state: 'TASK_LOST', message: 'Reconciliation: Task is unknown to the agent', source: 'SOURCE_MASTER', reason: 'REASON_RECONCILIATION' });
    const implicitMark = s.events.length;
    await s.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    expect((await s.next((e) => e.type === 'UPDATE' && e.update.status.reason === 'REASON_RECONCILIATION', implicitMark)).update.status.task_id.value).toBe('t-finish');

    await s.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: agentId }, task_id: { value: 't-finish' }, uuid: finished.update.status.uuid } });
    const failure = await s.next((e) => e.type === 'FAILURE');
    expect(failure).toEqual({ type: 'FAILURE', failure: { agent_id: { value: agentId }, executor_id: { value: 'e2e-exec' }, status: 0 } });
    const after = (await (await fetch(`${cluster.url}/master/state`)).json()) as Json;
    const fwAfter = after.frameworks.find((f: Json) => f.id === s.frameworkId);
    expect(fwAfter.completed_tasks.map((t: Json) => t.state)).toEqual(['TASK_FINISHED']);
    expect(fwAfter.tasks).toEqual([]);
    expect(fwAfter.executors).toEqual([]);

    // The spent offer again: TASK_LOST, REASON_INVALID_OFFERS, no uuid (recorded).
    await s.call(launch(offer.id.value, [taskInfo('t-spent', agentId, executor, { mode: 'finish' })]));
    const lost = await s.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 't-spent');
    expect(keysDeep(lost)).toEqual(keysDeep(recordedEvents[11]));
    expect(lost.update.status).toMatchObject({ state: 'TASK_LOST', reason: 'REASON_INVALID_OFFERS', message: `Task launched with invalid offers: Offer ${offer.id.value} is no longer valid` });
  });

  it('gives the executor only the Mesos environment (executor-env.json) and fails its tasks when it exits', async () => {
    const s = newScheduler();
    await s.subscribe(FRAMEWORK);
    const offer = (await s.next((e) => e.type === 'OFFERS')).offers.offers[0];
    const agentId = offer.agent_id.value;
    await s.call(launch(offer.id.value, [taskInfo('t-exit', agentId, executorInfo(files.url, 'exit-exec'), { mode: 'exit' })]));
    const running = await s.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 't-exit');
    await s.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: agentId }, task_id: { value: 't-exit' }, uuid: running.update.status.uuid } });
    const failed = await s.next((e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_FAILED');
    expect(failed.update.status).toMatchObject({ source: 'SOURCE_AGENT', reason: 'REASON_EXECUTOR_TERMINATED', task_id: { value: 't-exit' } });
    expect(Buffer.from(failed.update.status.uuid, 'base64')).toHaveLength(16);
    const failure = await s.next((e) => e.type === 'FAILURE');
    expect(failure.failure.status).toBe(3 << 8);

    const sandbox = running.update.status.container_status.container_id.value as string;
    const env = JSON.parse(readFileSync(join(cluster.workDir, 'slaves', agentId, 'frameworks', s.frameworkId, 'executors', 'exit-exec', 'runs', sandbox, 'env.json'), 'utf8')) as Record<string, string>;
    const recorded = JSON.parse(readFileSync(join(REAL, 'executor-env.json'), 'utf8')) as Record<string, string>;
    // The recording's extras: CAPTURE_DIR was its CommandInfo variable, PWD came from sh, LC_CTYPE from Python.
    const expectedKeys = Object.keys(recorded).filter((k) => !['CAPTURE_DIR', 'PWD', 'LC_CTYPE'].includes(k)).concat('TEST_VAR');
    expect(Object.keys(env).sort()).toEqual(expectedKeys.sort());
    expect(env.PATH).toBe(recorded.PATH);
    expect(env.MESOS_CHECKPOINT).toBe('1');
    expect(env.MESOS_AGENT_ENDPOINT).toBe(cluster.agents.get(agentId)?.endpoint);
    expect(env.MESOS_SLAVE_PID).toBe(`slave(1)@${env.MESOS_AGENT_ENDPOINT}`);
    expect(env.MESOS_DIRECTORY).toBe(env.MESOS_SANDBOX);
    expect(env.TEST_VAR).toBe('from-command-info');
  });

  it('declines with a filter, suppresses and revives', async () => {
    const s = newScheduler();
    await s.subscribe(FRAMEWORK);
    const first = (await s.next((e) => e.type === 'OFFERS')).offers.offers as Json[];
    await s.call({ type: 'SUPPRESS', suppress: { roles: ['*'] } });
    await s.call({ type: 'DECLINE', decline: { offer_ids: first.map((o) => o.id), filters: { refuse_seconds: 3600 } } });
    cluster.scheduler.allocator.allocate();
    const offers = (): number => cluster.model.frameworks.get(s.frameworkId)?.offers.size ?? -1;
    expect(offers()).toBe(0);
    await s.call({ type: 'REVIVE', revive: { roles: ['*'] } });
    cluster.scheduler.allocator.allocate();
    expect(offers()).toBe(2);
  });
});
