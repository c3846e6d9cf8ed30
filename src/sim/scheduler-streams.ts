// The SUBSCRIBE streams of the v1 scheduler API, one per framework (Mesos docs/scheduler-http-api.md), with the stream-level
// fault switches of the chaos runs: delayed events, duplicated updates, no heartbeats, total silence.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { recordioFrame } from './recordio-writer';

export interface StreamFaults {
  /** Hold every event this long before writing it (order is kept). */
  eventDelayMs: number;
  /** Write the next N UPDATE events twice, as a retried update would arrive. */
  duplicateUpdates: number;
  /** False stops HEARTBEAT events. */
  heartbeats: boolean;
  /** True writes nothing at all: a master gone quiet past the heartbeat window. Events are lost, as on a dead link. */
  silent: boolean;
}

interface Stream {
  res: ServerResponse;
  streamId: string;
  servedBy: unknown;
  heartbeat: NodeJS.Timeout;
}

export class SchedulerStreams {
  readonly faults: StreamFaults = { eventDelayMs: 0, duplicateUpdates: 0, heartbeats: true, silent: false };
  private readonly streams = new Map<string, Stream>();

  constructor(
    private readonly heartbeatMs: number,
    /** Called when a framework's current stream ends, whoever ended it. */
    private readonly onDisconnect: (frameworkId: string) => void,
  ) {}

  /** Starts the 200 stream; a previous stream of the same framework gets ERROR "Framework failed over" and ends. */
  open(frameworkId: string, res: ServerResponse, servedBy: unknown): string {
    const old = this.streams.get(frameworkId);
    if (old) {
      this.streams.delete(frameworkId);
      this.end(old, 'Framework failed over');
    }
    const streamId = randomUUID();
    res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': streamId });
    res.flushHeaders();
    const heartbeat = setInterval(() => {
      if (this.faults.heartbeats) this.send(frameworkId, { type: 'HEARTBEAT' });
    }, this.heartbeatMs);
    const stream: Stream = { res, streamId, servedBy, heartbeat };
    this.streams.set(frameworkId, stream);
    res.on('close', () => {
      clearInterval(heartbeat);
      if (this.streams.get(frameworkId) !== stream) return;
      this.streams.delete(frameworkId);
      this.onDisconnect(frameworkId);
    });
    return streamId;
  }

  streamId(frameworkId: string): string | undefined {
    return this.streams.get(frameworkId)?.streamId;
  }

  connected(frameworkId: string): boolean {
    return this.streams.has(frameworkId);
  }

  send(frameworkId: string, event: { type: string }): void {
    const stream = this.streams.get(frameworkId);
    if (!stream || this.faults.silent) return;
    const copies = event.type === 'UPDATE' && this.faults.duplicateUpdates > 0 ? (this.faults.duplicateUpdates--, 2) : 1;
    const frame = recordioFrame(event);
    const write = (): void => {
      if (!stream.res.destroyed && !stream.res.writableEnded) for (let i = 0; i < copies; i++) stream.res.write(frame);
    };
    if (this.faults.eventDelayMs > 0) setTimeout(write, this.faults.eventDelayMs);
    else write();
  }

  /** Ends a framework's stream; with a message, an ERROR event goes first (Mesos docs/scheduler-http-api.md). */
  close(frameworkId: string, error?: string): void {
    const stream = this.streams.get(frameworkId);
    if (stream) this.end(stream, error);
  }

  /** Cuts a framework's connection without a word, as a network fault would. */
  drop(frameworkId: string): void {
    this.streams.get(frameworkId)?.res.destroy();
  }

  /** Ends every stream a given master serves, as its connections die when it loses leadership. */
  closeServedBy(master: unknown): void {
    for (const [id, s] of this.streams) if (s.servedBy === master) this.close(id);
  }

  closeAll(): void {
    for (const id of [...this.streams.keys()]) this.close(id);
  }

  private end(stream: Stream, error?: string): void {
    clearInterval(stream.heartbeat);
    if (error && !stream.res.destroyed) stream.res.write(recordioFrame({ type: 'ERROR', error: { message: error } }));
    stream.res.end();
  }
}
