// RecordIO framing of the v1 scheduler and executor streams (Mesos docs/recordio.md):
// `<decimal length in bytes>\n<that many bytes>`, repeated, no trailing newline, no header.
// HTTP chunk boundaries are unrelated to records, so this is a push decoder over Buffers that keeps
// at most one record in memory and refuses a record larger than the configured maximum as soon as
// its length line is read, before any of its bytes are buffered.

export type RecordIOErrorCode = 'bad-length' | 'oversized' | 'underrun';

export class RecordIOError extends Error {
  constructor(
    readonly code: RecordIOErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RecordIOError';
  }
}

export const DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024;

// 2^53 has 16 digits; a longer length line cannot be a record we would accept, and stopping there
// bounds the memory an endless run of digits can take.
const MAX_LENGTH_DIGITS = 16;
const NEWLINE = 0x0a;
/** Records from this size that span chunks are copied into one buffer as they come (see push). */
const FILL_IN_PLACE_BYTES = 256 * 1024;

export interface RecordIODecoderOptions {
  /** Largest record accepted, in bytes. Default 4 MiB. */
  maxRecordBytes?: number;
}

export class RecordIODecoder {
  private readonly maxRecordBytes: number;
  private lengthText = '';
  /** Bytes still wanted for the current record; -1 while reading a length line. */
  private remaining = -1;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** A large record that spans chunks, filled in place (see push); null otherwise. */
  private whole: Buffer | null = null;
  private failure: RecordIOError | undefined;

  constructor(opts: RecordIODecoderOptions = {}) {
    const max = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new RangeError(`maxRecordBytes must be a positive integer, got ${max}`);
    }
    this.maxRecordBytes = max;
  }

  /**
   * Feeds one chunk and returns the records it completes, in order. Throws RecordIOError on a bad
   * length line or an oversized record; the decoder then stays failed, since the framing is lost.
   */
  push(chunk: Uint8Array): Buffer[] {
    if (this.failure) throw this.failure;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const records: Buffer[] = [];
    let pos = 0;
    while (pos < buf.length) {
      if (this.remaining < 0) {
        pos = this.readLength(buf, pos);
        continue;
      }
      const take = Math.min(this.remaining, buf.length - pos);
      if (this.whole) buf.copy(this.whole, this.partsBytes, pos, pos + take);
      else if (this.partsBytes === 0 && take < this.remaining && this.remaining >= FILL_IN_PLACE_BYTES) {
        // A large record (SUBSCRIBED: the whole cluster) would be held twice at its end, as its chunks and as
        // their concatenation: 14 MB at once for 7 MB at 1,000 agents. Filled in place it is held once. Pages of
        // a large allocation are only mapped as they are written, so a record announced and never sent costs
        // address space, not memory.
        this.whole = Buffer.allocUnsafe(this.remaining);
        buf.copy(this.whole, 0, pos, pos + take);
      } else this.parts.push(buf.subarray(pos, pos + take));
      this.partsBytes += take;
      this.remaining -= take;
      pos += take;
      if (this.remaining === 0) {
        records.push(this.whole ?? (this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partsBytes)));
        this.reset();
        this.remaining = -1;
      }
    }
    return records;
  }

  /** Declares the end of the stream. Throws an underrun error when it stopped inside a record. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.remaining > 0) {
      this.fail('underrun', `stream ended inside a record: ${this.remaining} of ${this.remaining + this.partsBytes} bytes missing`);
    }
    if (this.lengthText.length > 0) {
      this.fail('underrun', `stream ended inside a record length line ("${this.lengthText}")`);
    }
  }

  /** Bytes held for a record not yet complete (bounded by maxRecordBytes). */
  get bufferedBytes(): number {
    return this.partsBytes + this.lengthText.length;
  }

  private readLength(buf: Buffer, start: number): number {
    let pos = start;
    while (pos < buf.length) {
      const byte = buf[pos++];
      if (byte === NEWLINE) {
        this.beginRecord();
        return pos;
      }
      if (byte < 0x30 || byte > 0x39) {
        this.fail('bad-length', `bad record length line: byte 0x${byte.toString(16).padStart(2, '0')} after "${this.lengthText}" is not a decimal digit`);
      }
      this.lengthText += String.fromCharCode(byte);
      if (this.lengthText.length > MAX_LENGTH_DIGITS) {
        this.fail('bad-length', `bad record length line: more than ${MAX_LENGTH_DIGITS} digits ("${this.lengthText.slice(0, 20)}…")`);
      }
    }
    return pos;
  }

  private beginRecord(): void {
    const text = this.lengthText;
    this.lengthText = '';
    if (text.length === 0) this.fail('bad-length', 'bad record length line: empty');
    const length = Number(text);
    if (length > this.maxRecordBytes) {
      this.fail('oversized', `record of ${length} bytes exceeds the limit of ${this.maxRecordBytes} bytes`);
    }
    // The length is never 0 in Mesos; a zero record carries nothing, so it is skipped as mesos-go does.
    this.remaining = length === 0 ? -1 : length;
  }

  private reset(): void {
    this.parts = [];
    this.partsBytes = 0;
    this.whole = null;
  }

  private fail(code: RecordIOErrorCode, message: string): never {
    this.failure = new RecordIOError(code, message);
    this.lengthText = '';
    this.reset();
    throw this.failure;
  }
}

/** Frames one record. */
export function encodeRecord(payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  return Buffer.concat([Buffer.from(`${body.length}\n`, 'ascii'), body]);
}

/** Frames several records into one stream. */
export function encodeRecords(payloads: Iterable<Uint8Array | string>): Buffer {
  return Buffer.concat([...payloads].map(encodeRecord));
}
