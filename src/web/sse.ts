// Server-Sent Events to many browsers with fixed bounds: at most `max` live streams, each dropped when its
// unsent bytes pass `maxBufferBytes` (a client that stopped reading must not make the daemon buffer without
// bound), and nothing kept for a stream once its socket closes. SSE rather than WebSocket: the browser's
// EventSource reconnects by itself, the stream is one plain HTTP answer on the server we already run (no
// upgrade handshake, no framing or masking code, no library), and the mirror only ever talks one way. The mirror
// and the dashboard share one hub, each stream on its channel, so web.maxClients bounds them together.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log';
import { plain } from '../lib/http-host';

export interface SseOptions {
  max: number;
  /** Unsent bytes past which a stream is dropped. */
  maxBufferBytes: number;
  /** A comment line this often keeps proxies from closing an idle stream and finds dead sockets. */
  heartbeatMs: number;
  /** The browser's reconnect delay, sent at the start of every stream. */
  retryMs: number;
  log: Logger;
}

export class SseHub {
  /** Each live stream and its channel. */
  private readonly streams = new Map<ServerResponse, string>();
  private readonly heartbeat: NodeJS.Timeout;
  /** Streams dropped for reading too slowly, since start. */
  dropped = 0;

  constructor(private readonly o: SseOptions) {
    this.heartbeat = setInterval(() => this.send(':\n\n'), o.heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.streams.size;
  }

  /** Live streams on this channel. */
  count(channel: string): number {
    let n = 0;
    for (const c of this.streams.values()) if (c === channel) n++;
    return n;
  }

  /**
   * Answers a GET with an event stream on `channel` that starts with `first()` (the current state, made only
   * for a stream that is taken), or refuses when full.
   */
  open(req: IncomingMessage, res: ServerResponse, channel: string, first: () => string): void {
    if (this.streams.size >= this.o.max) {
      plain(res, 503, `busy: ${this.o.max} browsers are already connected (web.maxClients); close one and reload`, false, { 'Retry-After': '10' });
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // Made before the stream joins, so the source sees the streams that were there before it.
    const text = `retry: ${this.o.retryMs}\n${first()}`;
    this.streams.set(res, channel);
    res.on('close', () => this.streams.delete(res));
    this.write(res, text);
  }

  /** One event, already framed (`event: ...\ndata: ...\n\n`), to every stream on `channel`, or to all. */
  send(event: string, channel?: string): void {
    for (const [res, c] of this.streams) if (channel === undefined || c === channel) this.write(res, event);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.streams.keys()) res.destroy();
    this.streams.clear();
  }

  private write(res: ServerResponse, text: string): void {
    res.write(text);
    if (res.writableLength > this.o.maxBufferBytes) {
      this.dropped++;
      this.streams.delete(res);
      this.o.log.warn(`web: dropped a browser that stopped reading (${res.writableLength} bytes unsent); it reconnects when it catches up`);
      res.destroy();
    }
  }
}

/** One SSE event; `data` is JSON and so holds no newline. */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
