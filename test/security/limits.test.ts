// Bounded memory whatever the master sends (issue 6, "Limits"): an endless /state body stops at the body cap
// and an endless RecordIO record at the record cap, each with one typed error, and the client hangs up.
// What is held is counted, never timed: the bytes pulled from the body, the decoder's bufferedBytes.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryLogger } from '../../src/log';
import { Deadline, HttpError, readBodyCapped } from '../../src/mesos/http';
import { DEFAULT_MAX_RECORD_BYTES, encodeRecord, RecordIODecoder, RecordIOError } from '../../src/mesos/recordio';
import { SchedulerClient } from '../../src/mesos/scheduler-client';
import { type ConnectionState } from '../../src/mesos/scheduler-state';
import { StateClient } from '../../src/mesos/state-client';

const CHUNK = Buffer.alloc(64 * 1024, 0x20);

/** Writes `head`, then CHUNK after CHUNK for as long as the other side reads. */
function endless(res: ServerResponse, head: Buffer): void {
  res.write(head);
  const more = () => {
    while (!res.destroyed && res.write(CHUNK));
    if (!res.destroyed) res.once('drain', more);
  };
  more();
}

let server: Server;
let base: string;
/** Resolves when the client closes the connection of the request it made. */
let hungUp: Promise<void>;
let route: (path: string, res: ServerResponse) => void;

beforeEach(async () => {
  let done!: () => void;
  hungUp = new Promise<void>((r) => (done = r));
  server = createServer((req, res) => {
    req.resume();
    route(req.url ?? '', res);
    res.on('close', done);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('an endless /state body', () => {
  test('readBodyCapped pulls at most the cap and one chunk, then says too-large', async () => {
    const cap = 1024 * 1024;
    let pulled = 0;
    let cancelled = false;
    // highWaterMark 0: nothing is read ahead of what readBodyCapped asks for, so `pulled` is what it took in.
    const body = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          pulled += CHUNK.length;
          c.enqueue(new Uint8Array(CHUNK));
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const deadline = new Deadline(10_000);
    const err = await readBodyCapped(new Response(body), 'http://m/master/state', cap, deadline).catch((e: unknown) => e);
    deadline.clear();
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).kind).toBe('too-large');
    expect((err as HttpError).message).toBe('http://m/master/state: body over 1048576 bytes; raise the body cap if the cluster is really that large');
    expect(pulled).toBeLessThanOrEqual(cap + CHUNK.length);
    expect(pulled).toBeGreaterThan(cap);
    expect(cancelled).toBe(true);
  });

  test('the state client gives up at maxBodyBytes with one typed line and closes the connection', async () => {
    route = (_path, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      endless(res, Buffer.from('{"slaves":['));
    };
    const client = new StateClient({ masters: [base], timeoutMs: 20_000, maxBodyBytes: 2 * 1024 * 1024 });
    const err = await client.fetchState().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).kind).toBe('too-large');
    expect((err as HttpError).message).toBe(`${base}/master/state: body over 2097152 bytes; raise the body cap if the cluster is really that large`);
    await hungUp; // the server's endless writer stops only because the client hung up
  });

  test('a declared Content-Length over the cap is refused before reading', async () => {
    route = (_path, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(1e12) });
      endless(res, Buffer.alloc(0));
    };
    const client = new StateClient({ masters: [base], timeoutMs: 20_000, maxBodyBytes: 1024 * 1024 });
    await expect(client.fetchState()).rejects.toMatchObject({ kind: 'too-large' });
    await hungUp;
  });
});

describe('an endless RecordIO record', () => {
  test.each([
    ['a length over the cap', Buffer.from('99999999999\n'), 'oversized'],
    ['a length line that never ends', Buffer.from('1'.repeat(40)), 'bad-length'],
    ['a record of exactly the cap, then garbage', Buffer.from(`${DEFAULT_MAX_RECORD_BYTES}\n`), 'bad-length'],
  ])('the decoder holds at most the cap plus a length line: %s', (_what, head, code) => {
    const d = new RecordIODecoder();
    let peak = 0;
    let fed = 0;
    const feed = () => {
      d.push(head);
      for (;;) {
        d.push(CHUNK);
        fed += CHUNK.length;
        peak = Math.max(peak, d.bufferedBytes);
        if (fed > 64 * DEFAULT_MAX_RECORD_BYTES) throw new Error('the decoder never gave up');
      }
    };
    expect(feed).toThrow(RecordIOError);
    let failure: unknown;
    try {
      d.push(CHUNK);
    } catch (err) {
      failure = err;
    }
    // A failed decoder stays failed: the framing is lost, so nothing more is buffered.
    expect((failure as RecordIOError).code).toBe(code);
    expect(peak).toBeLessThanOrEqual(DEFAULT_MAX_RECORD_BYTES + 16);
    expect(d.bufferedBytes).toBe(0);
  });

  test('the scheduler client drops the stream with one line naming the limit and hangs up', async () => {
    const subscribed = encodeRecord(JSON.stringify({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw-1' }, heartbeat_interval_seconds: 15 } }));
    route = (_path, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's-1' });
      endless(res, Buffer.concat([subscribed, Buffer.from(`${DEFAULT_MAX_RECORD_BYTES + 1}\n`)]));
    };
    const states: ConnectionState[] = [];
    const logger = memoryLogger();
    const client = new SchedulerClient({
      masters: [base],
      framework: { user: 'pi', name: 'leibniz-pi' },
      logger,
      onEvent: () => undefined,
      onStateChange: (s) => void states.push(s),
      backoffMinMs: 60_000,
      backoffMaxMs: 60_000,
    });
    client.start();
    try {
      for (let i = 0; i < 2000 && !states.some((s) => s.lastError); i++) await new Promise((r) => setTimeout(r, 5));
      const why = states.find((s) => s.lastError)?.lastError;
      expect(why).toBe(`stream from ${base}/api/v1/scheduler lost its framing: record of 4194305 bytes exceeds the limit of 4194304 bytes`);
      await hungUp;
    } finally {
      await client.stop();
    }
  });

  test('and an endless record within the cap: the stream is read record by record, never whole', async () => {
    // A well-formed record announced at the cap, its bytes sent forever: the decoder completes it at the
    // cap and then reads the next bytes as a length line, which fails; the client never holds more.
    const subscribed = encodeRecord(JSON.stringify({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw-1' } } }));
    route = (_path, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's-2' });
      endless(res, Buffer.concat([subscribed, Buffer.from(`${1024 * 1024}\n`)]));
    };
    const states: ConnectionState[] = [];
    const client = new SchedulerClient({
      masters: [base],
      framework: { user: 'pi', name: 'leibniz-pi' },
      logger: memoryLogger(),
      onEvent: () => undefined,
      onStateChange: (s) => void states.push(s),
      maxRecordBytes: 1024 * 1024,
      backoffMinMs: 60_000,
      backoffMaxMs: 60_000,
    });
    client.start();
    try {
      for (let i = 0; i < 2000 && !states.some((s) => s.lastError); i++) await new Promise((r) => setTimeout(r, 5));
      expect(states.find((s) => s.lastError)?.lastError).toMatch(/lost its framing: bad record length line: byte 0x20 after "" is not a decimal digit$/);
      await hungUp;
    } finally {
      await client.stop();
    }
  });
});
