import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SimCluster, manualClock, startSimCluster } from '../../src/sim';
import { parseState } from '../../src/mesos/state-parse';

const REAL = join(__dirname, '../fixtures/mesos/real-1.12.0');
const recorded = JSON.parse(readFileSync(join(REAL, 'master-state-task-running.json'), 'utf8'));

type Json = Record<string, unknown>;

/** Asserts the same keys and JSON types, recursively; arrays compare their first elements. */
function sameShape(actual: unknown, expected: unknown, path: string, skip: Set<string>): void {
  const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  expect(`${path}: ${kind(actual)}`).toBe(`${path}: ${kind(expected)}`);
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length > 0 && actual.length > 0) {
    sameShape(actual[0], expected[0], `${path}[0]`, skip);
  } else if (kind(expected) === 'object') {
    const a = actual as Json;
    const e = expected as Json;
    expect(`${path}: ${Object.keys(a).sort().join(',')}`).toBe(`${path}: ${Object.keys(e).sort().join(',')}`);
    for (const k of Object.keys(e)) if (!skip.has(`${path}.${k}`)) sameShape(a[k], e[k], `${path}.${k}`, skip);
  }
}

async function get(url: string): Promise<Response> {
  return fetch(url, { redirect: 'manual' });
}

describe('simulated master: read-only endpoints', () => {
  let cluster: SimCluster;
  const clock = manualClock();
  beforeAll(async () => {
    cluster = await startSimCluster({ agents: 3, seed: 7, clock, tickMs: 0 });
  });
  afterAll(() => cluster.close());

  it('serves /master/state with the key set of the recorded 1.12 master', async () => {
    // Put an executor-backed task on the first agent, as in the recording (ids and values are the sim's own).
    const { model } = cluster;
    const agent = model.registeredAgents()[0];
    const fw = model.addFramework({ name: 'shape-probe', user: 'root', capabilities: ['MULTI_ROLE'], hostname: '127.0.0.1', failoverTimeout: 3600, checkpoint: true });
    const info = { executor_id: { value: 'e1' }, name: 'probe executor', command: { value: 'true', shell: true, environment: { variables: [{ name: 'A', value: 'b' }] } } };
    fw.executors.set(`${agent.id}/e1`, { executorId: 'e1', frameworkId: fw.id, agentId: agent.id, info, resources: { cpus: 0.1, mem: 32, disk: 0, gpus: 0, ports: [] } });
    const task = { id: 't1', name: 't1', frameworkId: fw.id, executorId: 'e1', agentId: agent.id, state: 'TASK_STAGING', resources: { cpus: 0.5, mem: 32, disk: 0, gpus: 0, ports: [] }, statuses: [] };
    fw.tasks.set('t1', task);
    model.setTaskState(task, 'TASK_RUNNING', { container_id: { value: 'c1' }, network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: '127.0.0.1' }] }] });

    const res = await get(`${cluster.url}/master/state`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const state = (await res.json()) as Json;
    const probe = (state.frameworks as Json[]).find((f) => f.name === 'shape-probe');
    const slave = (state.slaves as Json[]).find((s) => s.id === agent.id);
    // The recorded agent has no offers; the sim's probe framework holds none either.
    sameShape({ ...state, frameworks: [probe], slaves: [slave] }, recorded, '', new Set(['.flags']));
    // Task plus executor, as in the recording (0.5 + 0.1 cpus, 32 + 32 MB).
    expect(probe?.used_resources).toEqual({ disk: 0, mem: 64, gpus: 0, cpus: 0.6 });
    expect(slave?.resources).toEqual({ disk: 28000, mem: 3800, gpus: 0, cpus: 4, ports: '[31000-32000]' });
    const bare = (await (await get(`${cluster.url}/state`)).json()) as Json;
    expect(bare.id).toBe(state.id);
    model.setTaskState(task, 'TASK_FINISHED');
    model.completeTask(task);
    fw.executors.clear();
  });

  it('keeps resources consistent between agents, frameworks, metrics and the /state parser', async () => {
    for (let i = 0; i < 40; i++) {
      clock.advance(5000);
      cluster.tick();
    }
    const { model } = cluster;
    const fw = model.frameworks.values().next().value!;
    model.addOffer(fw.id, model.registeredAgents()[1].id, { cpus: 1, mem: 100, disk: 0, gpus: 0, ports: [[31000, 31009]] });
    const state = (await (await get(`${cluster.url}/master/state`)).json()) as Json;
    const metrics = (await (await get(`${cluster.url}/metrics/snapshot`)).json()) as Record<string, number>;
    const slaves = state.slaves as Json[];
    const frameworks = state.frameworks as Json[];
    const total = (key: string, list: Json[], r: string): number =>
      Math.round(list.reduce((s, x) => s + ((x[key] as Record<string, number>)[r] ?? 0), 0) * 1000) / 1000;
    for (const r of ['cpus', 'mem', 'disk', 'gpus']) {
      expect(total('used_resources', frameworks, r)).toBe(total('used_resources', slaves, r));
      expect(total('offered_resources', frameworks, r)).toBe(total('offered_resources', slaves, r));
      expect(metrics[`master/${r}_total`]).toBe(total('resources', slaves, r));
      expect(metrics[`master/${r}_used`]).toBe(total('used_resources', slaves, r));
    }
    expect(total('resources', slaves, 'cpus')).toBe(12);
    expect(total('used_resources', slaves, 'cpus')).toBeGreaterThan(0);
    for (const s of slaves) {
      const used = s.used_resources as Record<string, number>;
      const offered = s.offered_resources as Record<string, number>;
      expect(used.cpus + offered.cpus).toBeLessThanOrEqual((s.resources as Record<string, number>).cpus);
    }
    expect((slaves[1].offered_resources as Json).ports).toBe('[31000-31009]');
    expect(metrics['master/elected']).toBe(1);
    expect(metrics['master/outstanding_offers']).toBe(1);

    const totals = model.totals();
    const snap = parseState(state);
    expect(snap.cpus).toEqual({ total: totals.total.cpus, used: totals.used.cpus, offered: totals.offered.cpus, free: Math.round((totals.total.cpus - totals.used.cpus - totals.offered.cpus) * 1000) / 1000 });
    expect(snap.mem.used).toBe(totals.used.mem);
    expect(snap.agents).toEqual({ active: 3, inactive: 0, unreachable: 0 });
    expect(snap.leader).toBe(`127.0.0.1:${cluster.port}`);
    expect(snap.tasks.TASK_RUNNING).toBeGreaterThan(0);
    expect(snap.frameworks.active).toBe(model.frameworks.size);
    model.rescindOffersOn(model.registeredAgents()[1].id);
  });

  it('answers /master/state.json with 404 and /master/redirect with a path-less 307, as 1.12 does', async () => {
    expect(readFileSync(join(REAL, 'master-state.json-status.txt'), 'utf8').trim()).toBe('404');
    expect((await get(`${cluster.url}/master/state.json`)).status).toBe(404);
    expect((await get(`${cluster.url}/state.json`)).status).toBe(404);
    expect((await get(`${cluster.url}/redirect/anything`)).status).toBe(404);
    for (const path of ['/master/redirect', '/redirect']) {
      const res = await get(`${cluster.url}${path}`);
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toBe(`//127.0.0.1:${cluster.port}`);
      expect(res.headers.get('content-length')).toBe('0');
    }
    expect((await get(`${cluster.url}/master/health`)).status).toBe(200);
  });

  it('takes an agent from inactive to unreachable after the ping timeout, and back', async () => {
    const { model } = cluster;
    const agent = model.registeredAgents()[2];
    model.disconnectAgent(agent.id);
    let state = (await (await get(`${cluster.url}/master/state`)).json()) as Json;
    expect(state.deactivated_slaves).toBe(1);
    expect((state.slaves as Json[]).find((s) => s.id === agent.id)?.active).toBe(false);
    clock.advance(75_000);
    cluster.tick();
    state = (await (await get(`${cluster.url}/master/state`)).json()) as Json;
    expect(state.unreachable_slaves).toBe(1);
    expect((state.slaves as Json[]).map((s) => s.id)).not.toContain(agent.id);
    expect(parseState(state).agents).toEqual({ active: 2, inactive: 0, unreachable: 1 });
    const metrics = (await (await get(`${cluster.url}/metrics/snapshot`)).json()) as Record<string, number>;
    expect(metrics['master/cpus_total']).toBe(8);
    expect(metrics['master/slaves_unreachable']).toBe(1);
    model.reconnectAgent(agent.id);
    state = (await (await get(`${cluster.url}/master/state`)).json()) as Json;
    const back = (state.slaves as Json[]).find((s) => s.id === agent.id);
    expect(back?.active).toBe(true);
    expect(typeof back?.reregistered_time).toBe('number');
  });

  it('plays a non-leader: 307 with path and query, 503 with no leader, and the 0.28 empty view', async () => {
    const standby = await cluster.addMaster();
    const res = await get(`${standby.url}/master/state?jsonp=cb`);
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe(`//127.0.0.1:${cluster.port}/master/state?jsonp=cb`);
    expect((await get(`${standby.url}/api/v1/scheduler`)).headers.get('location')).toBe(`//127.0.0.1:${cluster.port}/api/v1/scheduler`);
    const metrics = (await (await get(`${standby.url}/metrics/snapshot`)).json()) as Record<string, number>;
    expect(metrics['master/elected']).toBe(0);
    expect(metrics['master/cpus_total']).toBe(0);
    expect(metrics['master/mem_total']).toBe(0);

    cluster.setMode({ kind: 'old-non-leader', leader: cluster.masters[0] }, standby);
    const old = (await (await get(`${standby.url}/master/state`)).json()) as Json;
    expect(old.slaves).toEqual([]);
    expect(old.leader).toBe(`master@127.0.0.1:${cluster.port}`);
    expect(old.pid).toBe(`master@127.0.0.1:${standby.port}`);
    expect('elected_time' in old).toBe(false);

    cluster.setMode({ kind: 'no-leader' }, standby);
    const none = await get(`${standby.url}/master/state`);
    expect(none.status).toBe(503);
    expect(await none.text()).toBe('No leader elected');
    expect((await get(`${standby.url}/master/redirect`)).status).toBe(503);
    await standby.close();
    cluster.masters.splice(cluster.masters.indexOf(standby), 1);
  });

  it('applies fault switches at run time: 503 for N requests, delays, dropped connections', async () => {
    const master = cluster.masters[0];
    master.faults.unavailable = 2;
    expect((await get(`${cluster.url}/master/state`)).status).toBe(503);
    expect((await get(`${cluster.url}/master/state`)).status).toBe(503);
    expect((await get(`${cluster.url}/master/state`)).status).toBe(200);
    master.faults.drop = true;
    await expect(get(`${cluster.url}/master/state`)).rejects.toThrow();
    master.faults.drop = false;
    master.faults.delayMs = 50;
    const started = process.hrtime.bigint();
    expect((await get(`${cluster.url}/master/health`)).status).toBe(200);
    expect(process.hrtime.bigint() - started).toBeGreaterThanOrEqual(40_000_000n);
    master.faults.reset();
  });
});

describe('two simulated masters over one model', () => {
  it('moves leadership: the old leader redirects to the new one, which serves the same cluster', async () => {
    const cluster = await startSimCluster({ agents: 2, seed: 3, standbys: 1, tickMs: 0 });
    try {
      const [a, b] = cluster.masters;
      let res = await get(`${b.url}/master/state`);
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toBe(`//127.0.0.1:${a.port}/master/state`);
      const before = (await (await get(`${a.url}/master/state`)).json()) as Json;

      cluster.failover(b);
      expect(cluster.leader()).toBe(b);
      res = await get(`${a.url}/state`);
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toBe(`//127.0.0.1:${b.port}/state`);
      const redirect = await get(`${a.url}/master/redirect`);
      expect(redirect.headers.get('location')).toBe(`//127.0.0.1:${b.port}`);
      const after = (await (await get(`${b.url}/master/state`)).json()) as Json;
      expect(after.leader_info).toEqual({ id: b.id, pid: `master@127.0.0.1:${b.port}`, port: b.port, hostname: '127.0.0.1' });
      expect(typeof after.elected_time).toBe('number');
      expect((after.slaves as Json[]).map((s) => s.id)).toEqual((before.slaves as Json[]).map((s) => s.id));
      const aMetrics = (await (await get(`${a.url}/metrics/snapshot`)).json()) as Record<string, number>;
      expect(aMetrics['master/elected']).toBe(0);
    } finally {
      await cluster.close();
    }
  });
});

describe('simulated master: what the operator stream’s refresh reads', () => {
  let cluster: SimCluster;
  beforeAll(async () => {
    cluster = await startSimCluster({ agents: 2, seed: 11, clock: manualClock(), tickMs: 0, background: false, standbys: 1 });
  });
  afterAll(() => cluster.close());

  it('serves /master/state-summary with the key set and task counts of the recorded 1.12 master, and the same agent and framework fields as /state', async () => {
    // As in the recording: one framework whose one task finished on the first agent.
    const { model } = cluster;
    const agent = model.registeredAgents()[0];
    const fw = model.addFramework({ name: 'summary-probe', user: 'root', capabilities: ['MULTI_ROLE'], hostname: '127.0.0.1' });
    const task = { id: 't1', name: 't1', frameworkId: fw.id, executorId: '', agentId: agent.id, state: 'TASK_STAGING', resources: { cpus: 0.5, mem: 32, disk: 0, gpus: 0, ports: [] }, statuses: [] };
    fw.tasks.set('t1', task);
    model.setTaskState(task, 'TASK_FINISHED');
    model.completeTask(task);
    // and, as then, an offer outstanding.
    model.addOffer(fw.id, agent.id, { cpus: 1, mem: 100, disk: 0, gpus: 0, ports: [[31000, 31009]] });
    const recordedSummary = JSON.parse(readFileSync(join(REAL, 'master-state-summary.json'), 'utf8')) as Json;
    const res = await get(`${cluster.url}/master/state-summary`);
    expect(res.headers.get('content-type')).toBe('application/json');
    const summary = (await res.json()) as Json;
    const slave = (summary.slaves as Json[]).find((s) => s.id === agent.id)!;
    sameShape({ ...summary, slaves: [slave] }, recordedSummary, '', new Set());
    expect(slave).toMatchObject({ TASK_FINISHED: 1, TASK_RUNNING: 0, framework_ids: [fw.id] });
    expect(summary.frameworks).toEqual([expect.objectContaining({ id: fw.id, TASK_FINISHED: 1, slave_ids: [agent.id] })]);
    expect((summary.slaves as Json[])[1]).toMatchObject({ TASK_FINISHED: 0, framework_ids: [] });
    // The summary writes what /state writes for each agent and framework, plus its counters and ids, and no task.
    const state = (await (await get(`${cluster.url}/master/state`)).json()) as Json;
    const extra = /^TASK_|^framework_ids$|^slave_ids$/;
    for (const [list, key] of [['slaves', 'slaves'], ['frameworks', 'frameworks']] as const) {
      (summary[list] as Json[]).forEach((s, i) => {
        const full = (state[key] as Json[])[i];
        for (const k of Object.keys(s).filter((k) => !extra.test(k))) expect([k, s[k]]).toEqual([k, full[k]]);
      });
    }
    expect(JSON.stringify(summary)).not.toMatch(/"tasks"/);
    expect((await get(`${cluster.masters[1].url}/master/state-summary`)).status).toBe(307);
  });

  it('answers GET_MASTER with the leader’s MasterInfo in the recorded shape and /state’s start and election times', async () => {
    const events = JSON.parse(readFileSync(join(REAL, 'scheduler-events.json'), 'utf8')) as { subscribed?: { master_info: unknown } }[];
    const call = (url: string) => fetch(`${url}/api/v1`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: '{"type":"GET_MASTER"}' });
    const answer = (await (await call(cluster.url)).json()) as { type: string; get_master: Json };
    expect(answer.type).toBe('GET_MASTER');
    sameShape(answer.get_master.master_info, events[0].subscribed?.master_info, 'master_info', new Set());
    expect(answer.get_master.master_info).toMatchObject({ ip: 16777343, port: cluster.port, hostname: '127.0.0.1', version: '1.12.0', pid: `master@127.0.0.1:${cluster.port}` });
    const state = (await (await get(`${cluster.url}/master/state`)).json()) as Json;
    expect(answer.get_master).toMatchObject({ start_time: state.start_time, elected_time: state.elected_time });
    expect((answer.get_master.master_info as Json).id).toBe(state.id);
    expect((await call(cluster.masters[1].url)).status).toBe(307);
  });
});
