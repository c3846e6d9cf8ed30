// The operator stream source against the simulated master, which answers as the real one does (src/sim/operator-api.ts):
// after every kind of change, the snapshot from the stream equals the one from /state, at once for what the stream
// carries and after one refresh for what it does not.
import { getJson } from '../../src/mesos/http';
import { OperatorSource, tooOldForStream } from '../../src/mesos/operator-source';
import type { ClusterSnapshot } from '../../src/mesos/snapshot';
import { parseState } from '../../src/mesos/state-parse';
import { type SimCluster, startSimCluster } from '../../src/sim';
import type { SimFramework } from '../../src/sim/cluster-entities';
import { lineLogger, until } from './source-helpers';

const lines: string[] = [];
const logger = lineLogger(lines);


async function fromState(sim: SimCluster): Promise<ClusterSnapshot> {
  const answer = await getJson(`${sim.url}/master/state`, { timeoutMs: 2000, maxBodyBytes: 1 << 24 });
  if (answer.kind !== 'json') throw new Error('redirected');
  return parseState(answer.body);
}

function source(sim: SimCluster, mode: 'auto' | 'stream' = 'auto', url = sim.url): OperatorSource {
  return new OperatorSource({ masters: [url], mode, timeoutMs: 2000, maxStateBytes: 1 << 24, refreshMs: 3_600_000, pollIntervalMs: 500, logger, backoffMinMs: 50, backoffMaxMs: 200 });
}

/** The stream's snapshot equals /state's now, or within a few event deliveries. */
async function converges(sim: SimCluster, src: OperatorSource): Promise<void> {
  let last = '';
  try {
    await until('the stream to match /state', async () => {
      const want = await fromState(sim);
      last = JSON.stringify({ stream: src.current().snapshot, state: want });
      return JSON.stringify(src.current().snapshot) === JSON.stringify(want);
    }, 3000);
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${last}`);
  }
}

async function differs(sim: SimCluster, src: OperatorSource): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  expect(src.current().snapshot).not.toEqual(await fromState(sim));
}

function launch(sim: SimCluster, fw: SimFramework, id: string, agentId: string): void {
  fw.tasks.set(id, { id, name: id, frameworkId: fw.id, executorId: '', agentId, state: 'TASK_STAGING', resources: { cpus: 1, mem: 256, disk: 10, gpus: 0, ports: [] }, statuses: [] });
  sim.model.setTaskState(fw.tasks.get(id)!, 'TASK_STAGING');
}

describe('operator stream source on the simulated master', () => {
  let sim: SimCluster;
  let src: OperatorSource | undefined;
  /** A simulated cluster of `agents` agents, without background load, and a source subscribed to its stream. */
  async function subscribedTo(agents: number): Promise<OperatorSource> {
    sim = await startSimCluster({ agents, background: false, tickMs: 0 });
    const started = source(sim);
    src = started;
    started.start();
    await until('subscribed', () => started.current().status.ok && started.current().snapshot !== null);
    return started;
  }
  afterEach(async () => {
    src?.stop();
    src = undefined;
    await sim?.close();
    lines.length = 0;
  });

  test('equals /state after every kind of change; what the stream omits waits for the refresh', async () => {
    src = await subscribedTo(3);
    expect(src.current().status.via).toBe('stream');
    await converges(sim, src);

    const agents = sim.model.registeredAgents();
    const fw = sim.model.addFramework({ name: 'web', user: 'root' });
    launch(sim, fw, 't1', agents[0].id);
    launch(sim, fw, 't2', agents[1].id);
    await converges(sim, src); // framework added, tasks launched

    sim.model.setTaskState(fw.tasks.get('t1')!, 'TASK_RUNNING');
    await converges(sim, src);
    const t2 = fw.tasks.get('t2')!;
    sim.model.setTaskState(t2, 'TASK_FAILED');
    sim.model.completeTask(t2);
    await converges(sim, src); // task finished
    expect(src.current().status.taskEnds).toEqual({ TASK_FAILED: 1 });
    expect(src.current().status.masterStartedAt).toBe(sim.masters[0].view().startTime * 1000);

    await sim.addAgent();
    await converges(sim, src); // agent added

    sim.model.removeFramework(fw);
    await converges(sim, src); // framework removed, its task killed

    // What the real master does not announce: an agent marked unreachable, a framework that disconnects.
    const other = sim.model.addFramework({ name: 'batch', user: 'root' });
    await converges(sim, src);
    sim.model.markUnreachable(agents[2].id);
    other.active = false;
    other.connected = false;
    await differs(sim, src);
    await src.refreshNow();
    await converges(sim, src);
    expect(src.current().snapshot?.agents.unreachable).toBe(1);
    expect(lines).toEqual([]);
  });

  test('offers and what executors hold, which no event tells, are right after one refresh; the executor’s share stays when its task ends', async () => {
    src = await subscribedTo(2);
    const [a, b] = sim.model.registeredAgents();
    const fw = sim.model.addFramework({ name: 'web', user: 'root' });
    fw.executors.set(`${a.id}/e1`, { executorId: 'e1', frameworkId: fw.id, agentId: a.id, info: { executor_id: { value: 'e1' } }, resources: { cpus: 0.1, mem: 32, disk: 0, gpus: 0, ports: [] } });
    launch(sim, fw, 't1', a.id);
    sim.model.addOffer(fw.id, b.id, { cpus: 1, mem: 100, disk: 0, gpus: 0, ports: [] });
    await differs(sim, src);
    await src.refreshNow();
    await converges(sim, src);
    expect(src.current().snapshot?.cpus).toMatchObject({ used: 1.1, offered: 1 });
    // The task ends, its executor stays (until the agent says it exited): /state and the stream agree at once.
    const t1 = fw.tasks.get('t1')!;
    sim.model.setTaskState(t1, 'TASK_FINISHED');
    sim.model.completeTask(t1);
    await converges(sim, src);
    expect(src.current().snapshot?.cpus.used).toBe(0.1);
    expect(lines).toEqual([]);
  });

  test('a refresh keeps the tasks, agents and frameworks that arrived while it was in flight, and reads no task', async () => {
    src = await subscribedTo(2);
    const fw = sim.model.addFramework({ name: 'web', user: 'root' });
    launch(sim, fw, 't1', sim.model.registeredAgents()[0].id);
    await converges(sim, src);
    // The summary says what was true when the master wrote it; it arrives after the changes below.
    sim.masters[0].faults.slowAnswerMs = 600;
    const inFlight = src.refreshNow();
    await new Promise((r) => setTimeout(r, 100));
    const late = sim.model.addFramework({ name: 'late', user: 'root' });
    const agent = await sim.addAgent();
    launch(sim, late, 't2', agent.id);
    launch(sim, fw, 't3', sim.model.registeredAgents()[1].id);
    sim.model.setTaskState(fw.tasks.get('t1')!, 'TASK_RUNNING');
    await until('the events', () => src!.current().snapshot?.tasks.TASK_STAGING === 2);
    await inFlight;
    sim.masters[0].faults.slowAnswerMs = 0;
    expect(src.current().snapshot?.tasks).toEqual({ TASK_RUNNING: 1, TASK_STAGING: 2 });
    expect(src.current().snapshot?.frameworkList.map((f) => [f.name, f.tasks])).toEqual([['web', 2], ['late', 1]]);
    await converges(sim, src);
    expect(lines).toEqual([]);
  });

  test('follows a standby’s 307 to the leader, and resubscribes to the new leader after a failover', async () => {
    sim = await startSimCluster({ agents: 2, background: false, tickMs: 0, standbys: 1 });
    src = source(sim, 'auto', sim.masters[1].url);
    src.start();
    await until('subscribed', () => src!.current().status.ok);
    expect(src.current().status.master).toBe(`http://127.0.0.1:${sim.masters[0].port}`);
    sim.failover(sim.masters[1]);
    await until('resubscribed to the new leader', () => src!.current().status.ok && src!.current().status.master === `http://127.0.0.1:${sim.masters[1].port}`);
    expect(src.current().status.via).toBe('stream');
    // The leader is only in /state: the new subscription reads it at once, not at the next slow refresh.
    await until('the new leader named', () => src!.current().snapshot?.leader === `127.0.0.1:${sim.masters[1].port}`, 3000);
  });

  test('a refresh begun before a failover is followed by another once the source has the new leader', async () => {
    sim = await startSimCluster({ agents: 1, background: false, tickMs: 0, standbys: 1 });
    const [old, next] = sim.masters.map((m) => `127.0.0.1:${m.port}`);
    src = source(sim);
    src.start();
    await until('the leader named', () => src!.current().status.ok && src!.current().snapshot?.leader === old);
    // The old leader's /state, written while it led, arrives after the source has subscribed to the new leader.
    sim.masters[0].faults.slowAnswerMs = 1500;
    const inFlight = src.refreshNow();
    await new Promise((r) => setTimeout(r, 200));
    sim.failover(sim.masters[1]);
    await until('subscribed to the new leader', () => src!.current().status.master === `http://${next}`);
    await inFlight;
    await until('the new leader named', () => src!.current().snapshot?.leader === next, 3000);
  });

  test('a master without the operator API: auto falls back to polling, stream keeps trying', async () => {
    sim = await startSimCluster({ agents: 2, background: false, tickMs: 0, operatorApi: false });
    src = source(sim);
    src.start();
    await until('polling', () => src!.current().status.via === 'poll' && src!.current().snapshot !== null);
    expect(src.current().snapshot).toEqual(await fromState(sim));
    expect(lines.find((l) => l.includes('operator stream unusable'))).toMatch(/answered 404.*polling \/state every 0\.5 s instead$/);
    src.stop();

    lines.length = 0;
    src = source(sim, 'stream');
    src.start();
    await until('an error', () => lines.length > 0);
    expect(src.current().status).toMatchObject({ ok: false, via: 'stream' });
    expect(lines[0]).toMatch(/^error operator stream: .*answered 404.*stateSource is "stream", so retrying/);
  });

  test('a silent master is resubscribed by the heartbeat watchdog', async () => {
    sim = await startSimCluster({ agents: 1, background: false, tickMs: 0, heartbeatIntervalSeconds: 0.1 });
    src = source(sim);
    src.start();
    await until('subscribed', () => src!.current().status.ok);
    sim.operator!.faults.silent = true;
    await until('the watchdog', () => lines.some((l) => /nothing from .* for 1 s; reconnecting/.test(l)));
    sim.operator!.faults.silent = false;
    await until('subscribed again', () => src!.current().status.ok);
    await converges(sim, src);
  });

  test('Mesos older than 1.5 is too old for the stream', () => {
    expect(['0.28.2', '1.0.0', '1.4.3'].map(tooOldForStream)).toEqual([true, true, true]);
    expect(['1.5.0', '1.12.0', '2.0.0', null].map(tooOldForStream)).toEqual([false, false, false, false]);
  });
});
