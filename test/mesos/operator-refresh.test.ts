// The operator stream source's refresh and resubscribe against a master on loopback driven by the test, for what the
// simulator (faithful to the real master) never does: events that do not fit, garbage answers. It answers with the
// recorded 1.12 master's payloads (fixtures real-1.12.0) and the simulator's GET_MASTER where it answers well. And
// the readers of what the refresh reads, on the recorded payloads and on bad ones.
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { decodeGetState } from '../../src/mesos/operator-events';
import { readGetMaster, readUnreachable } from '../../src/mesos/operator-refresh';
import { OperatorSource } from '../../src/mesos/operator-source';
import { fromCluster } from '../../src/mesos/operator-state';
import { readStateSummary } from '../../src/mesos/state-summary';
import { getMasterJson } from '../../src/sim/operator-api';
import { lineLogger, until } from './source-helpers';

const DIR = path.resolve(__dirname, '../fixtures/mesos/real-1.12.0');
const load = (file: string): unknown => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
const getState = (moment: string): unknown => (load(`operator-stream/operator-get-state-${moment}.json`) as { get_state: unknown }).get_state;
const record = (event: unknown): string => {
  const text = JSON.stringify(event);
  return `${Buffer.byteLength(text)}\n${text}`;
};
const subscribed = (moment: string): string => record({ type: 'SUBSCRIBED', subscribed: { get_state: getState(moment), heartbeat_interval_seconds: 15 } });
const ghost = record({ type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F' }, status: { task_id: { value: 'ghost' }, state: 'TASK_RUNNING' }, state: 'TASK_RUNNING' } });
const START_TIME = 1795549000.5;

const lines: string[] = [];
const logger = lineLogger(lines);


type Answer = (res: http.ServerResponse) => void;
const json = (doc: unknown): Answer => (res) => void res.writeHead(200, { 'Content-Type': 'application/json' }).end(typeof doc === 'string' ? doc : JSON.stringify(doc));

/** A master whose answers each test sets: SUBSCRIBE (the nth), GET_MASTER, /metrics/snapshot, /master/state-summary. */
class TestMaster {
  readonly seen: string[] = [];
  subscribe: (res: http.ServerResponse, n: number) => void = (res) => void res.write(subscribed('idle'));
  readonly answers: Record<string, Answer>;
  private readonly server: http.Server;
  port = 0;

  constructor() {
    this.answers = {
      GET_MASTER: (res) => json({ type: 'GET_MASTER', get_master: getMasterJson({ id: 'm1', hostname: '127.0.0.1', port: this.port, startTime: START_TIME, electedTime: START_TIME + 1, leader: null, leading: true }) })(res),
      '/metrics/snapshot': json(load('operator-stream/metrics-snapshot-idle.json')),
      '/master/state-summary': json(load('master-state-summary.json')),
    };
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const what = req.url === '/api/v1' ? String((JSON.parse(Buffer.concat(chunks).toString()) as { type: string }).type) : req.url ?? '';
        this.seen.push(what);
        if (what === 'SUBSCRIBE') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          return this.subscribe(res, this.seen.filter((s) => s === 'SUBSCRIBE').length);
        }
        const answer = this.answers[what];
        if (answer) answer(res);
        else res.writeHead(404).end();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  count(what: string): number {
    return this.seen.filter((s) => s === what).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('operator stream source: what it reads to refresh, and when it subscribes again', () => {
  let master: TestMaster;
  let src: OperatorSource | undefined;
  const source = (o: { pollIntervalMs?: number; refreshMs?: number } = {}) =>
    new OperatorSource({ masters: [master.url], mode: 'stream', timeoutMs: 2000, maxStateBytes: 1 << 24, refreshMs: o.refreshMs ?? 3_600_000, pollIntervalMs: o.pollIntervalMs ?? 60_000, logger, backoffMinMs: 20, backoffMaxMs: 50 });
  beforeEach(async () => {
    master = await new TestMaster().start();
  });
  afterEach(async () => {
    src?.stop();
    src = undefined;
    await master.close();
    lines.length = 0;
  });

  test('after SUBSCRIBED only the master facts are read (GET_MASTER, /metrics/snapshot): never a document of the whole cluster beside it', async () => {
    // The master takes a while to write a large cluster's SUBSCRIBED.
    master.subscribe = (res) => setTimeout(() => {
      master.seen.push('SUBSCRIBED sent');
      res.write(subscribed('idle'));
    }, 300);
    src = source();
    src.start();
    await until('the master facts', () => src!.current().snapshot?.leader === `127.0.0.1:${master.port}`);
    expect(master.seen.slice(0, 2)).toEqual(['SUBSCRIBE', 'SUBSCRIBED sent']);
    expect(master.seen.slice(2).sort()).toEqual(['/metrics/snapshot', 'GET_MASTER']);
    expect(src.current().snapshot).toMatchObject({ version: '1.12.0', agents: { active: 2, unreachable: 0 } });
    expect(src.current().status.masterStartedAt).toBe(START_TIME * 1000);
    expect(lines).toEqual([]);
  });

  test('an event that does not fit has the stream subscribed to again, whose SUBSCRIBED restores the state; not more often than the poll interval', async () => {
    master.subscribe = (res, n) => res.write(n === 1 ? subscribed('idle') + ghost : subscribed('job-running') + ghost);
    src = source();
    src.start();
    await until('a second subscription', () => src!.current().status.ok && master.count('SUBSCRIBE') === 2);
    const facts = { leader: `127.0.0.1:${master.port}`, version: '1.12.0', unreachable: 0, startedAt: START_TIME * 1000 };
    const want = fromCluster(decodeGetState(getState('job-running'), 'get_state'), facts).snapshot();
    await until('the state of the second SUBSCRIBED', () => JSON.stringify(src!.current().snapshot) === JSON.stringify(want));
    expect(want.tasks).toEqual({ TASK_RUNNING: 4 });
    // The same misfit on the new subscription, within the poll interval: skipped, no third SUBSCRIBE.
    await new Promise((r) => setTimeout(r, 300));
    src.current();
    expect(master.count('SUBSCRIBE')).toBe(2);
    expect(src.current().status).toMatchObject({ ok: true, downSince: null });
    expect(lines.filter((l) => /ghost/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => !/ghost/.test(l))).toEqual(['warn operator stream: an event did not fit the state held; subscribing again']);
  });

  test.each([
    ['/master/state-summary', json('{"slaves": 5, "frameworks": []}'), /\/master\/state-summary: slaves is a number \(5\), expected an array$/],
    ['/master/state-summary', json('<html><title>Bad Gateway</title></html>'), /\/master\/state-summary answered an HTML page \("Bad Gateway"\), not JSON/],
    ['GET_MASTER', (res: http.ServerResponse) => void res.writeHead(500).end('boom'), /GET_MASTER: unexpected 500 from http:\/\/127\.0\.0\.1:\d+\/api\/v1 \("boom"\)$/],
    ['GET_MASTER', json({ type: 'GET_STATE' }), /GET_MASTER from http:\/\/127\.0\.0\.1:\d+\/api\/v1: type is "GET_STATE", expected "GET_MASTER"$/],
    ['/metrics/snapshot', json({ 'master/elected': 0 }), /\/metrics\/snapshot: master\/elected is not 1: this master no longer leads/],
  ])('a refresh whose %s answer is bad is one warning line and retried with backoff, and the stream goes on', async (what, bad, line) => {
    src = source({ pollIntervalMs: 100, refreshMs: 200 });
    src.start();
    await until('the master facts', () => src!.current().snapshot?.leader === `127.0.0.1:${master.port}`);
    const good = master.answers[what];
    master.answers[what] = bad;
    const before = master.count(what);
    await src.refreshNow();
    await until('retries', () => master.count(what) >= before + 3);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn operator stream: refreshing from the master failed, retrying with backoff: /);
    expect(lines[0]).toMatch(line);
    expect(lines[0]).not.toMatch(/\n|    at /);
    expect(src.current().status).toMatchObject({ ok: true, via: 'stream' });
    master.answers[what] = good;
    await until('the failures summed up once a refresh works', () => lines.length === 2);
    expect(lines[1]).toMatch(/\(failed \d+ more times? in \d+ s\)$/);
  });

  test('a master that refuses this user /metrics/snapshot: the rest of the refresh is applied, the unreachable count kept, one warning', async () => {
    src = source({ pollIntervalMs: 100, refreshMs: 200 });
    src.start();
    await until('the master facts', () => src!.current().snapshot?.leader === `127.0.0.1:${master.port}`);
    master.answers['/metrics/snapshot'] = json({ ...(load('operator-stream/metrics-snapshot-idle.json') as object), 'master/slaves_unreachable': 3 });
    await src.refreshNow();
    expect(src.current().snapshot?.agents.unreachable).toBe(3);
    master.answers['/metrics/snapshot'] = (res) => void res.writeHead(403).end();
    // What else the refresh reads still comes in: a summary whose one agent was deactivated.
    const summary = load('master-state-summary.json') as { slaves: object[] };
    master.answers['/master/state-summary'] = json({ ...summary, slaves: summary.slaves.map((a) => ({ ...a, active: false })) });
    const before = master.count('/metrics/snapshot');
    await src.refreshNow();
    await until('two more refreshes', () => master.count('/metrics/snapshot') >= before + 2);
    expect(src.current().snapshot?.agents).toMatchObject({ active: 0, inactive: 1, unreachable: 3 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn operator stream: the count of unreachable agents is kept as it was, the rest refreshes: 403 from http:\S+\/metrics\/snapshot: .*check the master's ACLs$/);
  });
});

describe('the readers of what the refresh reads', () => {
  test('GET_MASTER: the leader as host:port (IPv6 in brackets, else the PID), the version and the start time', () => {
    const view = { id: 'm', hostname: '127.0.0.1', port: 5050, startTime: 10.5, leader: null, leading: true };
    expect(readGetMaster({ type: 'GET_MASTER', get_master: getMasterJson(view) }, 'o')).toEqual({ leader: '127.0.0.1:5050', version: '1.12.0', startedAt: 10500 });
    expect(readGetMaster({ type: 'GET_MASTER', get_master: { master_info: { hostname: '::1', port: 5050 } } }, 'o').leader).toBe('[::1]:5050');
    expect(readGetMaster({ type: 'GET_MASTER', get_master: { master_info: { id: 'm', pid: 'master@10.0.0.2:5050' } } }, 'o')).toEqual({ leader: '10.0.0.2:5050', version: null, startedAt: null });
    expect(() => readGetMaster({ type: 'GET_MASTER', get_master: {} }, 'GET_MASTER from u')).toThrow('GET_MASTER from u: get_master.master_info is missing, expected an object');
    expect(() => readGetMaster({ type: 'GET_MASTER', get_master: { master_info: { port: '5050', hostname: 'h' } } }, 'o')).toThrow('o: get_master.master_info.port is a string ("5050"), expected a number');
  });

  test('/metrics/snapshot: master/slaves_unreachable, as /state counts unreachable_slaves at the same moment', () => {
    for (const moment of ['idle', 'job-running', 'agent-lost']) {
      const state = load(`operator-stream/master-state-${moment}.json`) as { unreachable_slaves: number };
      expect(readUnreachable(load(`operator-stream/metrics-snapshot-${moment}.json`), 'm')).toBe(state.unreachable_slaves);
    }
    expect(readUnreachable({}, 'm')).toBe(0);
    expect(() => readUnreachable({ 'master/slaves_unreachable': 'x' }, 'm')).toThrow('m: master/slaves_unreachable is a string ("x"), expected a number');
  });

  test('/state-summary: agents and frameworks with their live tasks counted; a wrong type is one line naming the path', () => {
    const s = readStateSummary(load('master-state-summary.json'), 'u');
    expect(s.agents).toEqual([
      expect.objectContaining({ id: '8764bf41-b9a6-46da-a458-0fd7e65f2641-S0', active: true, deactivated: false, draining: false, liveTasks: 0, offered: { cpus: 4, mem: 2048, disk: 10000, gpus: 0 } }),
    ]);
    expect(s.frameworks).toEqual([expect.objectContaining({ name: 'capture-framework', active: true, connected: true, liveTasks: 0 })]);
    // A 1.5 master's agents have no `deactivated` or `drain_info`, and its counters are the same.
    expect(readStateSummary({ slaves: [{ id: 'a', hostname: 'h', resources: { cpus: 1 }, TASK_RUNNING: 2, TASK_KILLING: 1, TASK_FINISHED: 9 }], frameworks: [] }).agents[0]).toMatchObject({ deactivated: false, draining: false, liveTasks: 3 });
    expect(() => readStateSummary({ slaves: [{ id: 'a', hostname: 'h', resources: {}, TASK_RUNNING: '2' }], frameworks: [] }, 'u')).toThrow('u: slaves[0].TASK_RUNNING is a string ("2"), expected a number');
    expect(() => readStateSummary([], 'u')).toThrow('u: the document is an array, expected an object');
  });
});
