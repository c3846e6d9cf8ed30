// When the simulated master gives a task's resources back (Master::updateTask in src/master/master.cpp): as
// soon as a forwarded update tells it the task is terminal, before any acknowledgement; the task stays in
// /state `tasks` until its terminal update is acknowledged. The agent forwards one update per task at a time
// and sends its latest state along (Slave::forward), so a resent TASK_RUNNING already frees a finished task.
import { type SimCluster, startSimCluster } from '../../src/sim';
import { type Json, TestScheduler, executorInfo, launch, startFileServer, taskInfo } from './test-scheduler';

const FRAMEWORK = { user: 'root', name: 'sim-resources', checkpoint: true, failover_timeout: 3600 };

describe('simulated master: task resources', () => {
  let cluster: SimCluster;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  let s: TestScheduler;

  beforeAll(async () => {
    files = await startFileServer();
    cluster = await startSimCluster({
      agents: 1, seed: 9, background: false, allocationIntervalMs: 50, updateRetryMs: 100, heartbeatIntervalSeconds: 1, tickMs: 50,
      executorRegistrationTimeoutMs: 5000,
    });
  });
  beforeEach(async () => {
    s = new TestScheduler(cluster.url);
    await s.subscribe(FRAMEWORK);
  });
  afterEach(async () => {
    if (!s.ended) await s.call({ type: 'TEARDOWN' });
    s.close();
  });
  afterAll(async () => {
    await cluster.close();
    await files.close();
  });

  const state = async (): Promise<Json> => (await fetch(`${cluster.url}/master/state`)).json() as Promise<Json>;
  const ourTask = async (taskId: string): Promise<{ live?: Json; completed?: Json; used: Json }> => {
    const fw = (await state()).frameworks.find((f: Json) => f.id === s.frameworkId);
    return { live: fw.tasks.find((t: Json) => t.id === taskId), completed: fw.completed_tasks.find((t: Json) => t.id === taskId), used: fw.used_resources };
  };
  const ack = (status: Json) =>
    s.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });

  async function launchFinishing(taskId: string): Promise<string> {
    const offer = (await s.next((e) => e.type === 'OFFERS')).offers.offers[0];
    const agentId = offer.agent_id.value as string;
    // Everything the task leaves of the offer is declined for 5 s: only what the task gives back is new.
    await s.call(launch(offer.id.value, [taskInfo(taskId, agentId, executorInfo(files.url, `${taskId}-exec`), { mode: 'finish', result: 42 })]));
    return agentId;
  }

  it('frees a finished task at once, offers it at the next allocation, and keeps it in tasks until acknowledged', async () => {
    const agentId = await launchFinishing('t-done');
    const running = await s.next((e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_RUNNING');
    const mark = s.events.length;
    await ack(running.update.status);
    const finished = (await s.next((e) => e.type === 'UPDATE', mark)).update.status;
    expect(finished).toMatchObject({ state: 'TASK_FINISHED', task_id: { value: 't-done' } });

    // Not acknowledged, yet the next offer holds the task's 0.5 cpus (and the executor's, once it exited).
    const offer = (await s.next((e) => e.type === 'OFFERS' && e.offers.offers.some((o: Json) => o.agent_id.value === agentId), mark)).offers.offers[0];
    const cpus = offer.resources.find((r: Json) => r.name === 'cpus').scalar.value;
    expect(cpus).toBeGreaterThanOrEqual(3.9);
    const before = await ourTask('t-done');
    expect(before.live).toMatchObject({ state: 'TASK_FINISHED' });
    expect(before.completed).toBeUndefined();
    expect(before.used.cpus).toBeLessThanOrEqual(0.1 + 1e-9);

    await ack(finished);
    const after = async () => (await ourTask('t-done')).completed;
    while (!(await after())) await new Promise((r) => setTimeout(r, 20));
    expect((await ourTask('t-done')).live).toBeUndefined();
  });

  it('a resent TASK_RUNNING carries the latest state: the master knows the task finished before the scheduler does', async () => {
    await launchFinishing('t-behind');
    // TASK_RUNNING is never acknowledged, so TASK_FINISHED waits at the agent and TASK_RUNNING is resent.
    for (;;) {
      const { live } = await ourTask('t-behind');
      if (live?.state === 'TASK_FINISHED') {
        expect(live.statuses[live.statuses.length - 1].state).toBe('TASK_RUNNING');
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(s.updates('t-behind').map((u) => u.state)).toEqual(expect.arrayContaining(['TASK_RUNNING']));
    expect(s.updates('t-behind').every((u) => u.state === 'TASK_RUNNING')).toBe(true);
    expect((await ourTask('t-behind')).used.cpus).toBeLessThanOrEqual(0.1 + 1e-9);
  });
});
