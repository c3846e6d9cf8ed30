// What reading one event off a master's stream costs: fetch's body reader (a web stream of Uint8Arrays, which the
// stream client read until it moved) against node:http's IncomingMessage, whose 'data' Buffers the stream client
// (src/mesos/stream-client.ts) now hands straight to the RecordIO decoder. Both feed the same decoder; the node:http
// side is the whole stream client, watchdog included. A child process serves real operator events on loopback, so
// only the readers' CPU is counted: one event per wake-up, which is how a cluster's stream arrives and what the Pi
// pays for, and bursts of 100, as after a stall. Events per CPU second, the median of alternating rounds.
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { createLogger } from '../src/log';
import { Deadline, send } from '../src/mesos/http';
import { CappedRecords, StreamClient } from '../src/mesos/stream-client';
import type { BenchRow } from './types';

const SECTION = 'stream read';
const ROUNDS = 5;
const CAP = 1 << 20;
const REQUEST = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"type":"SUBSCRIBE"}' };
type Pace = 'one' | 'burst';
const EVENTS: Record<Pace, number> = { one: 1500, burst: 100_000 };

/** The read loop the stream client had on fetch: the body's reader into the decoder, chunk by chunk. */
async function viaFetch(url: string, n: number): Promise<void> {
  const deadline = new Deadline(120_000);
  try {
    const res = await send(url, REQUEST, deadline);
    if (!res.body) throw new Error(`${url} answered without a body`);
    const reader = res.body.getReader();
    const feed = new CappedRecords(CAP, CAP);
    for (let seen = 0; seen < n; ) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`the stream ended after ${seen} of ${n} events`);
      seen += feed.push(chunk.value).length;
    }
    await reader.cancel();
  } finally {
    deadline.clear();
  }
}

/** The stream client as the daemon runs it, until n records have come. */
function viaStreamClient(url: string, n: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const client: StreamClient = new StreamClient({
      name: 'bench stream',
      endpoints: () => [url],
      request: REQUEST,
      logger: createLogger({ journal: false, sink: { write: () => undefined } }),
      maxRecordBytes: CAP,
      onRecord: () => {
        if (++seen === n) void client.stop().then(resolve);
      },
    });
    client.start();
  });
}

const READERS = { fetch: viaFetch, 'node:http': viaStreamClient };

/** Events per CPU second of this process while one reader takes n events. */
async function rate(read: (url: string, n: number) => Promise<void>, url: string, n: number): Promise<number> {
  const before = process.cpuUsage();
  await read(url, n);
  const used = process.cpuUsage(before);
  return n / ((used.user + used.system) / 1e6);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(): Promise<BenchRow[]> {
  const child = fork(path.join(__dirname, 'stream-read-child.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve(Number(m)));
      child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    });
    const rows: BenchRow[] = [];
    for (const pace of ['one', 'burst'] as const) {
      const url = `http://127.0.0.1:${port}/api/v1?pace=${pace}&n=${EVENTS[pace]}`;
      const rates: Record<keyof typeof READERS, number[]> = { fetch: [], 'node:http': [] };
      // One warm-up each, then alternating rounds, so that neither reader gets the quieter moments of the machine.
      for (const read of Object.values(READERS)) await read(url, EVENTS[pace]);
      for (let i = 0; i < ROUNDS; i++) for (const [name, read] of Object.entries(READERS)) rates[name as keyof typeof READERS].push(await rate(read, url, EVENTS[pace]));
      const how = pace === 'one' ? 'one event per wake-up' : 'bursts of 100';
      const note = `${EVENTS[pace]} real operator events, median of ${ROUNDS}`;
      const fetchRate = median(rates.fetch);
      const nodeRate = median(rates['node:http']);
      rows.push(
        { section: SECTION, name: `fetch reader, ${how}`, value: fetchRate, unit: 'events/CPU s', note: `${(1e6 / fetchRate).toFixed(1)} µs each; ${note}` },
        { section: SECTION, name: `node:http reader, ${how}`, value: nodeRate, unit: 'events/CPU s', note: `${(1e6 / nodeRate).toFixed(1)} µs each; the stream client` },
        { section: SECTION, name: `node:http ÷ fetch, ${how}`, value: nodeRate / fetchRate, unit: '×', note: 'same run; above 1: node:http is cheaper' },
      );
    }
    return rows;
  } finally {
    child.kill();
  }
}
