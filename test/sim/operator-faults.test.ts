// The fault hooks of the simulated master's operator event stream, as a client on the wire sees them: a stream cut
// between records or partway through one, a master gone silent with its connections open, and a /state answer
// that arrives after the master it describes has lost the leadership.
import { RecordIODecoder } from '../../src/mesos/recordio';
import { type SimCluster, startSimCluster } from '../../src/sim';
import { until } from '../pi/pi-harness';

interface Subscription {
  /** Every record received so far, parsed. */
  events: { type: string }[];
  decoder: RecordIODecoder;
  /** Resolves with how the stream ended: the error the connection broke with. */
  ended: Promise<string>;
  /** Ms since the last bytes arrived. */
  quietFor(): number;
  abort(): void;
}

async function subscribe(url: string): Promise<Subscription> {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/v1`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ type: 'SUBSCRIBE' }),
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  const decoder = new RecordIODecoder({ maxRecordBytes: 1 << 24 });
  const events: { type: string }[] = [];
  let lastBytes = Date.now();
  const reader = res.body!.getReader();
  const ended = (async () => {
    for (;;) {
      try {
        const chunk = await reader.read();
        if (chunk.done) return 'closed';
        lastBytes = Date.now();
        for (const r of decoder.push(chunk.value)) events.push(JSON.parse(r.toString('utf8')) as { type: string });
      } catch (err) {
        return (err as Error).message;
      }
    }
  })();
  return { events, decoder, ended, quietFor: () => Date.now() - lastBytes, abort: () => abort.abort() };
}

describe('operator stream faults of the simulated master', () => {
  let sim: SimCluster;
  const subs: Subscription[] = [];
  beforeEach(async () => {
    sim = await startSimCluster({ agents: 1, background: false, tickMs: 0, heartbeatIntervalSeconds: 0.1, standbys: 1 });
  });
  afterEach(async () => {
    for (const s of subs.splice(0)) s.abort();
    await sim.close();
  });

  it('cuts every stream between records, or partway through the next record each is sent', async () => {
    const [whole, half] = [await subscribe(sim.url), await subscribe(sim.url)];
    subs.push(whole, half);
    await until('SUBSCRIBED on both', () => whole.events.length > 0 && half.events.length > 0);

    sim.faults.dropOperatorStreams();
    expect(await whole.ended).toMatch(/terminated/);
    expect(await half.ended).toMatch(/terminated/);
    expect(whole.decoder.bufferedBytes + half.decoder.bufferedBytes).toBe(0);

    const cut = await subscribe(sim.url);
    subs.push(cut);
    await until('SUBSCRIBED', () => cut.events.length > 0);
    sim.faults.dropOperatorStreams(true);
    // The next record is a HEARTBEAT within 0.1 s: its length line and part of its body arrive, then the end.
    expect(await cut.ended).toMatch(/terminated/);
    expect(cut.decoder.bufferedBytes).toBeGreaterThan(0);
    expect(() => cut.decoder.end()).toThrow(/stream ended inside a record/);
    // A stream opened after the cut is not cut.
    const after = await subscribe(sim.url);
    subs.push(after);
    await until('two heartbeats after SUBSCRIBED', () => after.events.length >= 3);
    expect(after.events[0].type).toBe('SUBSCRIBED');
  });

  it('goes silent on the operator stream too, its connections open, and speaks again', async () => {
    const sub = await subscribe(sim.url);
    subs.push(sub);
    await until('SUBSCRIBED and a HEARTBEAT', () => sub.events.length >= 2);
    sim.faults.silence(true);
    const seen = sub.events.length;
    await new Promise((r) => setTimeout(r, 500));
    // Five heartbeat intervals and not a byte, yet the stream has not ended.
    expect(sub.events.length).toBe(seen);
    expect(sub.quietFor()).toBeGreaterThanOrEqual(400);
    sim.faults.silence(false);
    await until('a HEARTBEAT again', () => sub.events.length > seen);
    expect(sub.events.slice(seen).map((e) => e.type)).toContain('HEARTBEAT');
  });

  it('delivers a slow /state as it was when made: naming the leader that made it, after a failover', async () => {
    const [a, b] = sim.masters;
    a.faults.slowAnswerMs = 300;
    const answer = fetch(`${a.url}/master/state`).then((r) => r.json() as Promise<{ leader: string }>);
    await new Promise((r) => setTimeout(r, 100));
    sim.failover(b);
    expect((await answer).leader).toBe(`master@127.0.0.1:${a.port}`);
    const now = await fetch(`${a.url}/master/state`, { redirect: 'manual' });
    expect(now.status).toBe(307);
  });
});
