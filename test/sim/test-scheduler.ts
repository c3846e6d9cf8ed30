// A small hand-written v1 scheduler for the simulator tests: plain fetch and a minimal RecordIO reader, on
// purpose independent of src/mesos so that the simulator is checked against the protocol, not our client.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const JSON_HEADERS = { 'Content-Type': 'application/json' };

export class TestScheduler {
  readonly events: Json[] = [];
  frameworkId = '';
  streamId = '';
  private waiters: (() => void)[] = [];
  private abort = new AbortController();
  ended = false;

  constructor(readonly url: string) {}

  async subscribe(frameworkInfo: Json, frameworkId?: string): Promise<Response> {
    const body: Json = { type: 'SUBSCRIBE', subscribe: { framework_info: { ...frameworkInfo, ...(frameworkId ? { id: { value: frameworkId } } : {}) } } };
    if (frameworkId) body.framework_id = { value: frameworkId };
    const res = await fetch(`${this.url}/api/v1/scheduler`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body), signal: this.abort.signal });
    if (res.status !== 200 || !res.body) return res;
    this.streamId = res.headers.get('mesos-stream-id') ?? '';
    void this.read(res.body.getReader());
    const subscribed = await this.next((e) => e.type === 'SUBSCRIBED' || e.type === 'ERROR');
    if (subscribed.type === 'SUBSCRIBED') this.frameworkId = subscribed.subscribed.framework_id.value;
    return res;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    let buf = Buffer.alloc(0);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf = Buffer.concat([buf, Buffer.from(value)]);
        for (;;) {
          const nl = buf.indexOf(10);
          if (nl < 0) break;
          const len = Number(buf.subarray(0, nl).toString('ascii'));
          if (buf.length < nl + 1 + len) break;
          this.events.push(JSON.parse(buf.subarray(nl + 1, nl + 1 + len).toString('utf8')));
          buf = buf.subarray(nl + 1 + len);
          this.wake();
        }
      }
    } catch {
      // aborted or cut: the stream is over either way
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** The first event, from index `from`, that matches; waits for it (the jest timeout bounds the wait). */
  async next(match: (e: Json) => boolean, from = 0): Promise<Json> {
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended; events: ${this.events.map((e) => e.type).join(',')}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async untilEnded(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async call(call: Json, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const res = await fetch(`${this.url}/api/v1/scheduler`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'Mesos-Stream-Id': this.streamId, ...headers },
      body: JSON.stringify({ framework_id: { value: this.frameworkId }, ...call }),
      redirect: 'manual',
    });
    return { status: res.status, text: await res.text() };
  }

  updates(taskId: string): Json[] {
    return this.events.filter((e) => e.type === 'UPDATE' && e.update.status.task_id.value === taskId).map((e) => e.update.status);
  }

  close(): void {
    this.abort.abort();
  }
}

/** Serves test/sim/fixtures over HTTP on loopback, as the daemon serves its executor file. */
export async function startFileServer(): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const file = readFileSync(join(__dirname, 'fixtures', 'test-executor.js'));
  const server = createServer((req, res) => {
    if (req.url === '/test-executor.js') res.writeHead(200).end(file);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export function executorInfo(fileUrl: string, executorId: string): Json {
  return {
    executor_id: { value: executorId },
    name: 'test executor',
    command: {
      value: process.execPath,
      shell: false,
      arguments: ['node', 'test-executor.js'],
      uris: [{ value: `${fileUrl}/test-executor.js`, executable: false, extract: false, cache: false }],
      environment: { variables: [{ name: 'TEST_VAR', value: 'from-command-info' }] },
    },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
    ],
  };
}

export function taskInfo(taskId: string, agentId: string, executor: Json, spec: Json): Json {
  return {
    name: taskId,
    task_id: { value: taskId },
    agent_id: { value: agentId },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
    ],
    executor,
    data: Buffer.from(JSON.stringify(spec)).toString('base64'),
  };
}

export function launch(offerId: string, tasks: Json[], refuseSeconds = 5): Json {
  return {
    type: 'ACCEPT',
    accept: { offer_ids: [{ value: offerId }], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters: { refuse_seconds: refuseSeconds } },
  };
}
