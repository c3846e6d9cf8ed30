// Child process of bench/stream-read.ts: a loopback server that answers every POST with a RecordIO stream of the
// events a real 1.12.0 master sent on its operator stream (everything after SUBSCRIBED, cycled), `n` of them,
// paced as the query says: `one` writes one event per timer tick, as a cluster's stream brings them; `burst`
// writes 100 at a time. It runs apart so that none of its CPU is counted against the readers.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RecordIODecoder, encodeRecord } from '../src/mesos/recordio';
import { mesosFixture } from './fixtures';

const BURST = 100;

function main(): void {
  const recorded = new RecordIODecoder({ maxRecordBytes: 1 << 24 }).push(readFileSync(mesosFixture('stream-read', 'real-1.12.0/operator-stream/operator-stream.recordio')));
  const events = recorded.slice(1).map((r) => encodeRecord(r));
  const server = createServer((req, res) => {
    req.resume();
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const total = Number(query.get('n'));
    const perTick = query.get('pace') === 'burst' ? BURST : 1;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let sent = 0;
    const tick = () => {
      if (res.destroyed) return;
      for (let i = 0; i < perTick && sent < total; i++) res.write(events[sent++ % events.length]);
      if (sent < total) setTimeout(tick, 1);
      else res.end();
    };
    tick();
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
  process.on('disconnect', () => process.exit(0));
}

// Only as a child: `npm run bench` imports every file in bench/, this one included.
if (process.send) main();
