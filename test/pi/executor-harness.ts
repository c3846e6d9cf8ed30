// Test harness for the executor: a fake agent speaking the v1 executor API on loopback, and a build of the
// executor bundle from the TypeScript sources (transpiled file by file, as tsc emits them, then bundled).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { encodeRecord, RecordIODecoder } from '../../src/mesos/recordio';
import { bundleModules } from '../../src/pi/executor-bundle';

const REPO = resolve(__dirname, '../..');
export const REAL = join(REPO, 'test/fixtures/mesos/real-1.12.0');
/** SUBSCRIBED and LAUNCH as a real 1.12.0 agent sent them. */
export const [RECORDED_SUBSCRIBED, RECORDED_LAUNCH] = new RecordIODecoder()
  .push(readFileSync(join(REAL, 'executor-stream.recordio')))
  .map((r) => JSON.parse(r.toString()));

/** Transpiles `entry` (a .ts file of this repository) and its relative imports into outDir, as tsc emits them; returns the entry's .js. */
export function transpileTree(entry: string, outDir: string): string {
  const options = ts.convertCompilerOptionsFromJson(JSON.parse(readFileSync(join(REPO, 'tsconfig.json'), 'utf8')).compilerOptions, REPO).options;
  const queue = [entry];
  const done = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText;
    const out = join(outDir, relative(REPO, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, js);
    for (const m of js.matchAll(/require\("(\.[^"]+)"\)/g)) queue.push(`${resolve(dirname(file), m[1])}.ts`);
  }
  return join(outDir, relative(REPO, entry)).replace(/\.ts$/, '.js');
}

/** Transpiles src/pi/executor-main.ts and its relative imports into outDir, then bundles them; returns the bundle's path. */
export function buildExecutorBundle(outDir: string): string {
  const main = transpileTree(join(REPO, 'src/pi/executor-main.ts'), outDir);
  const bundle = join(outDir, 'executor.js');
  writeFileSync(bundle, bundleModules(main));
  return bundle;
}

export interface Call {
  type: string;
  executor_id: { value: string };
  framework_id: { value: string };
  [key: string]: any;
}

/** A fake agent: answers SUBSCRIBE with a stream, UPDATE with 202, and acknowledges updates unless told not to. */
export class FakeAgent {
  readonly calls: Call[] = [];
  readonly contentTypes: (string | undefined)[] = [];
  ack: (status: any) => boolean = () => true;
  onSubscribe: (call: Call, n: number) => void = () => this.send(RECORDED_SUBSCRIBED);
  onUpdate: (status: any) => void = () => undefined;
  private stream: ServerResponse | undefined;
  private server: Server | undefined;
  endpoint = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const call = JSON.parse(Buffer.concat(chunks).toString()) as Call;
        this.calls.push(call);
        this.contentTypes.push(req.headers['content-type']);
        if (call.type === 'SUBSCRIBE') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          this.stream = res;
          this.onSubscribe(call, this.subscribes.length);
          return;
        }
        res.writeHead(202).end();
        if (call.type === 'UPDATE') {
          const status = call.update.status;
          this.onUpdate(status);
          if (this.ack(status)) this.acknowledge(status);
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.endpoint = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get subscribes(): Call[] {
    return this.calls.filter((c) => c.type === 'SUBSCRIBE');
  }

  get statuses(): any[] {
    return this.calls.filter((c) => c.type === 'UPDATE').map((c) => c.update.status);
  }

  send(event: object): void {
    this.stream?.write(encodeRecord(JSON.stringify(event)));
  }

  acknowledge(status: any): void {
    this.send({ type: 'ACKNOWLEDGED', acknowledged: { task_id: status.task_id, uuid: status.uuid } });
  }

  launch(taskId: string, data: string | undefined): void {
    const task = { ...RECORDED_LAUNCH.launch.task, task_id: { value: taskId } };
    if (data === undefined) delete task.data;
    else task.data = Buffer.from(data).toString('base64');
    this.send({ type: 'LAUNCH', launch: { task } });
  }

  closeStream(): void {
    this.stream?.end();
    this.stream = undefined;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** The recorded executor environment, pointed at the fake agent. */
export function agentEnv(agent: FakeAgent, extra: Record<string, string> = {}): Record<string, string> {
  const env = JSON.parse(readFileSync(join(REAL, 'executor-env.json'), 'utf8')) as Record<string, string>;
  return { ...env, MESOS_AGENT_ENDPOINT: agent.endpoint, MESOS_SUBSCRIPTION_BACKOFF_MAX: '50ms', ...extra };
}

export async function until(what: string, cond: () => boolean, tries = 2000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}
