import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { memoryLogger } from '../../src/log';
import { HttpError } from '../../src/mesos/http';
import { StateClient, type StateResult } from '../../src/mesos/state-client';
import { parseState } from '../../src/mesos/state-parse';
import { StatePoller, type StateFetcher, type StateView } from '../../src/mesos/state-poller';

const FIXTURES = path.resolve(__dirname, '../fixtures/mesos');
const REAL = readFileSync(path.join(FIXTURES, 'real-1.12.0/master-state-task-running.json'), 'utf8');
const SNAPSHOT = parseState(JSON.parse(REAL));

/** A source that answers from a script: each entry is a result or an error, the last one repeats. */
class ScriptedSource implements StateFetcher {
  calls = 0;
  lastTried = 'http://m1:5050';
  constructor(private readonly script: Array<StateResult | Error | (() => Promise<StateResult>)>) {}
  fetchState(): Promise<StateResult> {
    const step = this.script[Math.min(this.calls++, this.script.length - 1)];
    if (typeof step === 'function') return step();
    if (step instanceof Error) return Promise.reject(step);
    this.lastTried = step.master;
    return Promise.resolve(step);
  }
}

const ok = (master = 'http://m1:5050', leader = 'm1:5050'): StateResult => ({ snapshot: { ...SNAPSHOT, leader }, master, leader });
const refused = new HttpError('unreachable', 'http://m1:5050/master/state', 'cannot reach http://m1:5050/master/state: connection refused; check that the master runs there and the URL is right');

describe('StatePoller on a scripted source (fake clock)', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  test('the constructor does nothing; start polls at once, then every interval', async () => {
    const source = new ScriptedSource([ok()]);
    const logger = memoryLogger();
    const poller = new StatePoller({ source, logger }, { intervalMs: 1000 });
    await jest.advanceTimersByTimeAsync(5000);
    expect(source.calls).toBe(0);
    expect(poller.current()).toEqual({ snapshot: null, snapshotAt: null, status: { master: 'http://m1:5050', ok: false, downSince: null, lastError: null } });
    poller.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(source.calls).toBe(1);
    expect(poller.current().status).toEqual({ master: 'http://m1:5050', ok: true, downSince: null, lastError: null });
    expect(poller.current().snapshotAt).toBe(1_005_000);
    await jest.advanceTimersByTimeAsync(3000);
    expect(source.calls).toBe(4);
    expect(logger.lines).toEqual(['found master http://m1:5050, leader m1:5050']);
    poller.stop();
  });

  test('while unreachable: backs off from the interval, doubling up to the cap, and resets on success', async () => {
    // random ≈ 1 makes full jitter take the top of each range: 1000, 2000, 4000, 8000, 8000.
    const source = new ScriptedSource([refused, refused, refused, refused, refused, refused, ok(), refused, ok()]);
    const callTimes: number[] = [];
    const recorded: StateFetcher = {
      get lastTried() {
        return source.lastTried;
      },
      fetchState: () => {
        callTimes.push(Date.now() - 1_000_000);
        return source.fetchState();
      },
    };
    const poller = new StatePoller({ source: recorded, logger: memoryLogger() }, { intervalMs: 1000, maxBackoffMs: 8000, random: () => 1 - 1e-9 });
    poller.start();
    await jest.advanceTimersByTimeAsync(34_500);
    // Six failures wait 1000, 2000, 4000, 8000, 8000 (capped), 8000; the success at 31000 waits one interval;
    // the failure at 32000 then waits the minimum again (the backoff was reset), and 33000 succeeds.
    expect(callTimes).toEqual([0, 1000, 3000, 7000, 15000, 23000, 31000, 32000, 33000, 34000]);
    expect(poller.current().status.ok).toBe(true);
    poller.stop();
  });

  test('keeps the last snapshot through an outage, with downSince at its start, and logs only the edges', async () => {
    const source = new ScriptedSource([ok(), refused, new HttpError('unavailable', 'u', '503 from u: no leader'), refused, ok('http://m2:5050', 'm2:5050'), ok('http://m3:5050', 'm3:5050')]);
    const logger = memoryLogger();
    const seen: boolean[] = [];
    const poller = new StatePoller({ source, logger }, { intervalMs: 1000, random: () => 0 });
    const step = async (ms: number) => {
      await jest.advanceTimersByTimeAsync(ms);
      seen.push(poller.current().status.ok);
    };
    poller.start();
    await step(0);
    const first = poller.current();
    await step(1000); // refused at +1000
    await step(1000); // 503
    const during = poller.current();
    expect(during.snapshot).toBe(first.snapshot);
    expect(during.snapshotAt).toBe(first.snapshotAt);
    expect(during.status).toEqual({ master: 'http://m1:5050', ok: false, downSince: 1_001_000, lastError: '503 from u: no leader' });
    await step(1000); // refused
    expect(poller.current().status.downSince).toBe(1_001_000);
    await step(1000); // back, at m2
    expect(poller.current().status).toEqual({ master: 'http://m2:5050', ok: true, downSince: null, lastError: null });
    expect(poller.current().snapshotAt).toBe(1_004_000);
    await step(1000); // leader moves to m3
    expect(seen).toEqual([true, false, false, false, true, true]);
    expect(logger.lines).toEqual([
      'found master http://m1:5050, leader m1:5050',
      `warn: lost master http://m1:5050: ${refused.message}`,
      'master http://m2:5050 answers again, leader m2:5050, after 3 s without one',
      'leader changed: m2:5050 at http://m2:5050 → m3:5050 at http://m3:5050',
    ]);
    poller.stop();
  });

  test('no master at start-up is logged once; a non-Error failure never escapes', async () => {
    const logger = memoryLogger();
    const source = new ScriptedSource([() => Promise.reject('boom\nsecond line')]);
    const poller = new StatePoller({ source, logger }, { intervalMs: 1000, maxBackoffMs: 1000 });
    poller.start();
    await jest.advanceTimersByTimeAsync(3000);
    expect(source.calls).toBe(4);
    expect(poller.current().status.lastError).toBe('boom | second line');
    expect(logger.lines).toEqual(['warn: no master answers: boom | second line']);
    poller.stop();
  });

  test('stop ends polling, and a poll still in flight changes nothing', async () => {
    let release: (r: StateResult) => void = () => undefined;
    const source = new ScriptedSource([ok(), () => new Promise<StateResult>((resolve) => (release = resolve))]);
    const poller = new StatePoller({ source, logger: memoryLogger() }, { intervalMs: 1000 });
    poller.start();
    await jest.advanceTimersByTimeAsync(1000);
    expect(source.calls).toBe(2);
    poller.stop();
    release(ok('http://late:5050', 'late:5050'));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(source.calls).toBe(2);
    expect(poller.current().status.master).toBe('http://m1:5050');
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('StatePoller with a StateClient over loopback HTTP', () => {
  test('follows the master down and back, keeping the last snapshot', async () => {
    let mode: 'up' | 'down' = 'up';
    const server = http.createServer((_req, res) => {
      if (mode === 'down') {
        res.writeHead(503);
        res.end('No leader elected');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(REAL);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const logger = memoryLogger();
    const poller = new StatePoller(
      { source: new StateClient({ masters: [url], timeoutMs: 2000, maxBodyBytes: 1 << 20 }), logger },
      { intervalMs: 10, maxBackoffMs: 20 },
    );
    // Looks at the poller's view between its polls, as the daemon's redraw does.
    const until = async (pred: (v: StateView) => boolean): Promise<StateView> => {
      for (;;) {
        const v = poller.current();
        if (pred(v)) return v;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    try {
      const up = until((v) => v.status.ok);
      poller.start();
      const first = await up;
      expect(first.snapshot?.cpus.used).toBe(0.6);
      mode = 'down';
      const down = await until((v) => !v.status.ok);
      expect(down.snapshot).toBe(first.snapshot);
      expect(down.status.lastError).toMatch(/^503 from .*No leader elected/);
      expect(down.status.master).toBe(url);
      mode = 'up';
      const back = await until((v) => v.status.ok);
      expect(back.snapshotAt).toBeGreaterThanOrEqual(first.snapshotAt ?? Infinity);
      expect(logger.lines[0]).toBe(`found master ${url}, leader 127.0.0.1:5050`);
      expect(logger.lines[1]).toMatch(/^warn: lost master .*: 503 from/);
      expect(logger.lines[2]).toMatch(new RegExp(`^master ${url} answers again, leader 127.0.0.1:5050, after \\d+ s without one$`));
      expect(logger.lines).toHaveLength(3);
    } finally {
      poller.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
