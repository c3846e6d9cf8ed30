import { type SimCluster, startSimCluster } from '../../src/sim';
import { JSON_HEADERS, type Json, TestScheduler, executorInfo, launch, startFileServer, taskInfo } from './test-scheduler';

const FRAMEWORK = { user: 'root', name: 'sim-faults', checkpoint: true, failover_timeout: 3600 };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('simulated agents: executor API and fault switches', () => {
  let cluster: SimCluster;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  let s: TestScheduler;

  beforeAll(async () => {
    files = await startFileServer();
    cluster = await startSimCluster({
      agents: 2, seed: 5, background: false, allocationIntervalMs: 50, updateRetryMs: 5000, heartbeatIntervalSeconds: 1, tickMs: 50,
      executorRegistrationTimeoutMs: 1500,
    });
  });
  beforeEach(async () => {
    s = new TestScheduler(cluster.url);
    await s.subscribe(FRAMEWORK);
  });
  afterEach(async () => {
    cluster.faults.reset();
    if (!s.ended) await s.call({ type: 'TEARDOWN' });
    s.close();
  });
  afterAll(async () => {
    await cluster.close();
    await files.close();
  });

  async function startHanging(taskId: string, executorId: string): Promise<{ agentId: string; running: Json }> {
    const offer = (await s.next((e) => e.type === 'OFFERS')).offers.offers[0];
    const agentId = offer.agent_id.value as string;
    await s.call(launch(offer.id.value, [taskInfo(taskId, agentId, executorInfo(files.url, executorId), { mode: 'hang' })]));
    const running = await s.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === taskId);
    await s.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: agentId }, task_id: { value: taskId }, uuid: running.update.status.uuid } });
    return { agentId, running };
  }

  it('validates executor calls as the agent does: 403 before SUBSCRIBE, uuid, source, TASK_STAGING, 415', async () => {
    const offer = (await s.next((e) => e.type === 'OFFERS')).offers.offers[0];
    const agentId = offer.agent_id.value as string;
    // An executor that never subscribes: `sleep` stands in for it, and the registration timeout kills it.
    const silent = { ...executorInfo(files.url, 'silent-exec'), command: { value: 'sleep 30', shell: true } };
    await s.call(launch(offer.id.value, [taskInfo('t-silent', agentId, silent, {})]));
    const endpoint = cluster.agents.get(agentId)?.endpoint;
    const ids = { executor_id: { value: 'silent-exec' }, framework_id: { value: s.frameworkId } };
    const status = (over: Json): Json => ({ task_id: { value: 't-silent' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', uuid: 'BoTVf65jTg6G5rVve76G4g==', ...over });
    const post = async (body: Json, headers: Record<string, string> = JSON_HEADERS) => {
      const r = await fetch(`http://${endpoint}/api/v1/executor`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: r.status, text: await r.text() };
    };
    const update = (st: Json) => post({ type: 'UPDATE', ...ids, update: { status: st } });
    // The executor exists only once the agent has it; the launch is asynchronous.
    for (let r = await update(status({})); r.status === 400 && /cannot be found/.test(r.text); r = await update(status({}))) await new Promise((ok) => setTimeout(ok, 20));
    expect(await update(status({}))).toEqual({ status: 403, text: 'Executor is not subscribed' });
    expect(await update(status({ uuid: Buffer.from('not-a-uuid').toString('base64') }))).toEqual({ status: 400, text: 'Failed to validate executor::Call: Not a valid UUID' });
    expect((await update(status({ source: undefined }))).text).toContain("invalid source, expecting 'SOURCE_EXECUTOR'");
    expect((await update(status({ state: 'TASK_STAGING' }))).text).toContain('TASK_STAGING');
    expect((await post({ type: 'SUBSCRIBE', ...ids, subscribe: {} }, { 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(415);
    expect((await post({ type: 'SUBSCRIBE', executor_id: ids.executor_id, subscribe: {} })).text).toContain('Missing required fields: framework_id');
    expect((await post({ type: 'SUBSCRIBE', ...ids, framework_id: { value: 'other' }, subscribe: {} })).text).toBe('Framework cannot be found');

    const failed = await s.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 't-silent');
    expect(failed.update.status).toMatchObject({ state: 'TASK_FAILED', reason: 'REASON_EXECUTOR_REGISTRATION_TIMEOUT', source: 'SOURCE_AGENT' });
    expect((await s.next((e) => e.type === 'FAILURE')).failure.status).toBe(9);
  });

  it('charges task and executor while running, kills on KILL, and duplicates an update on request', async () => {
    const { agentId } = await startHanging('t-hang', 'hang-exec');
    const state = (await (await fetch(`${cluster.url}/master/state`)).json()) as Json;
    const fw = state.frameworks.find((f: Json) => f.id === s.frameworkId);
    expect(fw.used_resources).toEqual({ disk: 0, mem: 64, gpus: 0, cpus: 0.6 });
    expect(fw.executors[0].command).toMatchObject({ shell: false, value: process.execPath, argv: ['node', 'test-executor.js'] });
    const slave = state.slaves.find((a: Json) => a.id === agentId);
    expect(slave.used_resources).toEqual({ disk: 0, mem: 64, gpus: 0, cpus: 0.6 });

    cluster.faults.duplicateUpdates(1);
    const mark = s.events.length;
    await s.call({ type: 'KILL', kill: { task_id: { value: 't-hang' }, agent_id: { value: agentId } } });
    const killed = await s.next((e) => e.type === 'UPDATE', mark);
    expect(killed.update.status).toMatchObject({ state: 'TASK_KILLED', source: 'SOURCE_EXECUTOR' });
    const copy = await s.next((e) => e.type === 'UPDATE' && e !== killed, mark);
    expect(copy).toEqual(killed);
    await s.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: agentId }, task_id: { value: 't-hang' }, uuid: killed.update.status.uuid } });
    expect((await s.next((e) => e.type === 'FAILURE', mark)).failure.status).toBe(0);
  });

  it('loses an agent: executors die, TASK_LOST without uuid, FAILURE for the agent, unreachable in /state', async () => {
    const { agentId } = await startHanging('t-lost', 'lost-exec');
    const pids = cluster.agents.get(agentId)?.executorPids() ?? [];
    expect(pids).toHaveLength(1);
    const mark = s.events.length;
    await cluster.faults.loseAgent(agentId);
    const lost = await s.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 't-lost', mark);
    expect(lost.update.status).toMatchObject({ state: 'TASK_LOST', source: 'SOURCE_MASTER', reason: 'REASON_SLAVE_REMOVED', agent_id: { value: agentId } });
    expect(lost.update.status.uuid).toBeUndefined();
    expect(await s.next((e) => e.type === 'FAILURE', mark)).toEqual({ type: 'FAILURE', failure: { agent_id: { value: agentId } } });
    expect(alive(pids[0])).toBe(false);
    const state = (await (await fetch(`${cluster.url}/master/state`)).json()) as Json;
    expect(state.unreachable_slaves).toBe(1);
    expect(state.frameworks.find((f: Json) => f.id === s.frameworkId).unreachable_tasks.map((t: Json) => t.id)).toEqual(['t-lost']);
    cluster.model.reconnectAgent(agentId);
  });

  it('kills an executor process: TASK_FAILED for its task and FAILURE with the signal', async () => {
    const { agentId } = await startHanging('t-killed', 'killed-exec');
    const mark = s.events.length;
    expect(cluster.faults.killExecutor(s.frameworkId, 'killed-exec', agentId)).toBe(true);
    const failed = await s.next((e) => e.type === 'UPDATE', mark);
    expect(failed.update.status).toMatchObject({ state: 'TASK_FAILED', reason: 'REASON_EXECUTOR_TERMINATED', source: 'SOURCE_AGENT' });
    expect((await s.next((e) => e.type === 'FAILURE', mark)).failure).toEqual({ agent_id: { value: agentId }, executor_id: { value: 'killed-exec' }, status: 9 });
  });

  it('drops a subscription: the framework disconnects, is removed after its failover timeout, and a resubscribe gets ERROR', async () => {
    s.close();
    const short = new TestScheduler(cluster.url);
    await short.subscribe({ ...FRAMEWORK, failover_timeout: 0.2 });
    s = short;
    const id = short.frameworkId;
    cluster.faults.dropSubscription(id);
    await short.untilEnded();
    expect(cluster.model.frameworks.get(id)?.connected ?? false).toBe(false);
    while (cluster.model.frameworks.has(id)) await new Promise((ok) => setTimeout(ok, 50));
    const again = new TestScheduler(cluster.url);
    const res = await again.subscribe({ ...FRAMEWORK, failover_timeout: 0.2 }, id);
    expect(res.status).toBe(200);
    // As a real master: the stream id is set before Master::subscribe looks at the framework (http.cpp).
    expect(again.streamId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await again.untilEnded();
    expect(again.events).toEqual([{ type: 'ERROR', error: { message: 'Framework has been removed' } }]);
    const state = (await (await fetch(`${cluster.url}/master/state`)).json()) as Json;
    expect(state.completed_frameworks.map((f: Json) => f.id)).toContain(id);
  });

  it('moves the leader with 307: open streams break and the framework resubscribes at the new leader', async () => {
    const standby = await cluster.addMaster();
    cluster.faults.redirectTo(standby);
    await s.untilEnded();
    const old = await fetch(`${cluster.url}/api/v1/scheduler`, { method: 'POST', headers: JSON_HEADERS, body: '{}', redirect: 'manual' });
    expect(old.status).toBe(307);
    expect(old.headers.get('location')).toBe(`//127.0.0.1:${standby.port}/api/v1/scheduler`);
    const moved = new TestScheduler(standby.url);
    await moved.subscribe(FRAMEWORK, s.frameworkId);
    expect(moved.frameworkId).toBe(s.frameworkId);
    expect(moved.events[0].subscribed.master_info.port).toBe(standby.port);
    cluster.faults.redirectTo(cluster.masters[0]);
    await moved.untilEnded();
    moved.close();
  });
});
