import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordIODecoder, RecordIOError, encodeRecord, encodeRecords } from '../../src/mesos/recordio';

const FIXTURES = join(__dirname, '../fixtures/mesos');
const PROTOBUF_STREAM = readFileSync(
  join(FIXTURES, 'scheduler-event-stream__recordio-protobuf_42events_SUBSCRIBED-HEARTBEAT-OFFERS__mesosphere-mesos-rxjava.bin'),
);
const JSON_STREAM = readFileSync(join(FIXTURES, 'real-1.12.0/scheduler-stream.recordio'));
const JSON_EVENTS: unknown[] = JSON.parse(readFileSync(join(FIXTURES, 'real-1.12.0/scheduler-events.json'), 'utf8'));

/** One comparable string per stream: jest's deep equality on Buffers is far too slow for thousands of runs. */
function digest(records: Buffer[]): string {
  return records.map((r) => r.toString('hex')).join(',');
}

function decodeChunks(chunks: Buffer[], maxRecordBytes?: number): Buffer[] {
  const decoder = new RecordIODecoder({ maxRecordBytes });
  const out: Buffer[] = [];
  for (const c of chunks) out.push(...decoder.push(c));
  decoder.end();
  return out;
}

/** Mulberry32: a small seeded generator so a failing chunking can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomChunks(buf: Buffer, rand: () => number, maxChunk: number): Buffer[] {
  const chunks: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const n = 1 + Math.floor(rand() * maxChunk);
    chunks.push(buf.subarray(pos, pos + n));
    pos += n;
  }
  return chunks;
}

function errorOf(fn: () => unknown): RecordIOError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RecordIOError) return e;
    throw e;
  }
  throw new Error('expected a RecordIOError');
}

describe('RecordIO decoder on the recorded protobuf stream', () => {
  const whole = decodeChunks([PROTOBUF_STREAM]);
  const wholeDigest = digest(whole);

  it('finds 42 records, SUBSCRIBED (48 bytes) then HEARTBEAT (2 bytes) first', () => {
    expect(whole).toHaveLength(42);
    expect(whole[0].length).toBe(48);
    expect(whole[1].length).toBe(2);
    // Event.type is field 1 (varint): SUBSCRIBED = 1, HEARTBEAT = 8.
    expect([...whole[0].subarray(0, 2)]).toEqual([0x08, 0x01]);
    expect([...whole[1]]).toEqual([0x08, 0x08]);
    expect(whole.reduce((n, r) => n + r.length + String(r.length).length + 1, 0)).toBe(PROTOBUF_STREAM.length);
  });

  it('gives the same records at every single split point', () => {
    for (let i = 0; i <= PROTOBUF_STREAM.length; i++) {
      const got = digest(decodeChunks([PROTOBUF_STREAM.subarray(0, i), PROTOBUF_STREAM.subarray(i)]));
      if (got !== wholeDigest) throw new Error(`split at ${i} changed the records`);
    }
  });

  it('gives the same records one byte at a time', () => {
    const bytes = [...PROTOBUF_STREAM].map((b) => Buffer.from([b]));
    expect(digest(decodeChunks(bytes))).toBe(wholeDigest);
  });

  it('gives the same records for 200 seeded random chunkings', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const chunks = randomChunks(PROTOBUF_STREAM, seeded(seed), 1 + (seed % 97) * 13);
      const got = digest(decodeChunks(chunks));
      if (got !== wholeDigest) throw new Error(`chunking with seed ${seed} changed the records`);
    }
  });
});

describe('RecordIO decoder on the recorded real-1.12.0 JSON stream', () => {
  it('gives exactly the recorded events, in order', () => {
    const records = decodeChunks([JSON_STREAM]);
    expect(records.map((r) => JSON.parse(r.toString('utf8')))).toEqual(JSON_EVENTS);
  });

  it('gives the same records for every two-way split and 100 seeded random chunkings', () => {
    const expected = digest(decodeChunks([JSON_STREAM]));
    for (let i = 0; i <= JSON_STREAM.length; i++) {
      const got = digest(decodeChunks([JSON_STREAM.subarray(0, i), JSON_STREAM.subarray(i)]));
      if (got !== expected) throw new Error(`split at ${i} changed the records`);
    }
    for (let seed = 1; seed <= 100; seed++) {
      const got = digest(decodeChunks(randomChunks(JSON_STREAM, seeded(seed), 300)));
      if (got !== expected) throw new Error(`chunking with seed ${seed} changed the records`);
    }
  });
});

describe('RecordIO decoder edge cases', () => {
  it('counts bytes, not characters, for multi-byte UTF-8', () => {
    const text = '{"message":"π ≈ 3.14 ✓"}';
    const stream = encodeRecords([text, 'x']);
    expect(stream.subarray(0, 3).toString()).toBe(`${Buffer.byteLength(text)}\n`);
    expect(decodeChunks([stream]).map(String)).toEqual([text, 'x']);
  });

  it('splits several records sharing one chunk (the mesos-go table)', () => {
    expect(decodeChunks([Buffer.from('1\na0\n1\nb')]).map(String)).toEqual(['a', 'b']);
    expect(decodeChunks([Buffer.from('2\nab3\ncde')]).map(String)).toEqual(['ab', 'cde']);
  });

  it('refuses a record longer than the limit as soon as its length line is read', () => {
    const decoder = new RecordIODecoder({ maxRecordBytes: 22 });
    expect(decoder.push(Buffer.from('22\n'))).toEqual([]);
    decoder.push(Buffer.alloc(22, 0x61));
    const err = errorOf(() => decoder.push(Buffer.from('23\n')));
    expect(err.code).toBe('oversized');
    expect(err.message).toBe('record of 23 bytes exceeds the limit of 22 bytes');
    // Once the framing is lost, the decoder stays failed.
    expect(errorOf(() => decoder.push(Buffer.from('1\na'))).code).toBe('oversized');
  });

  it('fails fast with bounded memory on an endless record', () => {
    const decoder = new RecordIODecoder({ maxRecordBytes: 1024 * 1024 });
    decoder.push(Buffer.from('1048576\n'));
    const block = Buffer.alloc(64 * 1024, 0x7b);
    for (let i = 0; i < 15; i++) decoder.push(block);
    expect(decoder.bufferedBytes).toBe(15 * 64 * 1024);
    // The record completes at exactly the limit; the next length line claims far more and is refused.
    expect(decoder.push(block).map((r) => r.length)).toEqual([1024 * 1024]);
    expect(errorOf(() => decoder.push(Buffer.from('99999999999\n'))).code).toBe('oversized');
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('rejects an endless length line without buffering it', () => {
    const decoder = new RecordIODecoder();
    const err = errorOf(() => {
      for (;;) decoder.push(Buffer.from('9999'));
    });
    expect(err.code).toBe('bad-length');
    expect(err.message).toMatch(/more than 16 digits/);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it.each([
    ['a non-digit', 'x\n', /byte 0x78 after "" is not a decimal digit/],
    ['a sign', '-5\n', /byte 0x2d/],
    ['whitespace', ' 5\n', /byte 0x20/],
    ['a carriage return', '5\r\n', /byte 0x0d after "5"/],
    ['an empty line', '\n', /empty/],
  ])('rejects a length line with %s', (_name, input, message) => {
    const err = errorOf(() => new RecordIODecoder().push(Buffer.from(input)));
    expect(err.code).toBe('bad-length');
    expect(err.message).toMatch(message);
  });

  it('reports an underrun when the stream ends inside a record or a length line', () => {
    const inRecord = new RecordIODecoder();
    inRecord.push(Buffer.from('10\nabc'));
    const err = errorOf(() => inRecord.end());
    expect(err.code).toBe('underrun');
    expect(err.message).toBe('stream ended inside a record: 7 of 10 bytes missing');
    const inLength = new RecordIODecoder();
    inLength.push(Buffer.from('1\na12'));
    expect(errorOf(() => inLength.end()).code).toBe('underrun');
    const clean = new RecordIODecoder();
    clean.push(Buffer.from('1\na'));
    expect(() => clean.end()).not.toThrow();
  });

  it('decodes large records spanning many chunks (filled in place) byte for byte, between small ones', () => {
    const rand = seeded(7);
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
    // Around the size from which a record is filled in place, and one like a SUBSCRIBED.
    const payloads = [bytes(10), bytes(256 * 1024 - 1), bytes(256 * 1024), bytes(5), bytes(2_000_000), bytes(1)];
    const stream = Buffer.concat(payloads.map(encodeRecord));
    for (const maxChunk of [1000, 65536, 300_000]) {
      expect(digest(decodeChunks(randomChunks(stream, rand, maxChunk)))).toBe(digest(payloads));
    }
    // A record that fits one chunk is that chunk's bytes: no copy is made.
    expect(digest(decodeChunks([stream]))).toBe(digest(payloads));
  });

  it('skips zero-length records as mesos-go does', () => {
    expect(decodeChunks([Buffer.from('0\n1\na0\n')]).map(String)).toEqual(['a']);
  });

  it('round-trips the encoder', () => {
    const payloads = ['{"type":"HEARTBEAT"}', 'ünïcödé', 'x'.repeat(1000)];
    expect(decodeChunks([encodeRecords(payloads)]).map(String)).toEqual(payloads);
    expect(encodeRecord('{}').toString()).toBe('2\n{}');
  });

  it('rejects a non-positive limit', () => {
    expect(() => new RecordIODecoder({ maxRecordBytes: 0 })).toThrow(/maxRecordBytes must be a positive integer/);
  });
});
