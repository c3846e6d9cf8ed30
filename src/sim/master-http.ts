// One simulated Mesos master on loopback: the read-only endpoints of Mesos src/master/http.cpp and the leader/non-leader
// behaviour of a.7, over a shared ClusterModel. Several masters can serve one model (a leader and standbys).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterModel } from './cluster-model';
import { HttpFaults } from './faults';
import type { OperatorApi } from './operator-api';
import { type MasterView, metricsJson, stateJson, stateSummaryJson } from './state-json';

export interface MasterAddress {
  id: string;
  hostname: string;
  port: number;
}

export type MasterMode =
  | { kind: 'leader' }
  /** A 1.x standby: 307 to the leader (Mesos src/master/http.cpp). */
  | { kind: 'redirect'; leader: MasterAddress }
  /** No leader elected yet: 503. */
  | { kind: 'no-leader' }
  /** A 0.28 standby: 200 with its own empty view and `leader` naming the real one. */
  | { kind: 'old-non-leader'; leader: MasterAddress };

/** Handles POST /api/v1/scheduler on the leader; the body is already read. */
export type SchedulerHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

export interface SimMasterOptions {
  model: ClusterModel;
  host?: string;
  port?: number;
  /** Defaults to a fresh id; the first master of a cluster takes the model's id, as the master that created it. */
  id?: string;
  mode?: MasterMode;
  scheduler?: SchedulerHandler;
  /** The operator API (POST /api/v1); without it the master answers 404 there, as one older than 1.0 does. */
  operator?: OperatorApi;
}

// Request bodies beyond this are refused; a scheduler call is a few kB.
const MAX_BODY = 4 * 1024 * 1024;

export class SimMaster implements MasterAddress {
  readonly id: string;
  readonly hostname: string;
  readonly faults = new HttpFaults();
  port = 0;
  electedTime?: number;
  scheduler?: SchedulerHandler;
  operator?: OperatorApi;
  private modeValue: MasterMode = { kind: 'no-leader' };
  private readonly startTime: number;
  private readonly server: http.Server;

  private constructor(private readonly model: ClusterModel, opts: SimMasterOptions) {
    this.id = opts.id ?? model.rng.uuid();
    this.hostname = opts.host ?? '127.0.0.1';
    this.startTime = model.nowSecs();
    this.scheduler = opts.scheduler;
    this.operator = opts.operator;
    // A client that vanishes mid-body is its own problem; the master keeps serving.
    this.server = http.createServer((req, res) => this.handle(req, res).catch(() => res.destroy()));
    this.setMode(opts.mode ?? { kind: 'leader' });
  }

  static async start(opts: SimMasterOptions): Promise<SimMaster> {
    const master = new SimMaster(opts.model, opts);
    await new Promise<void>((resolve, reject) => {
      master.server.once('error', reject);
      master.server.listen(opts.port ?? 0, master.hostname, () => resolve());
    });
    master.port = (master.server.address() as AddressInfo).port;
    return master;
  }

  get url(): string {
    return `http://${this.hostname}:${this.port}`;
  }

  get mode(): MasterMode {
    return this.modeValue;
  }

  setMode(mode: MasterMode): void {
    if (mode.kind === 'leader' && this.modeValue.kind !== 'leader') this.electedTime = this.model.nowSecs();
    if (mode.kind !== 'leader') this.electedTime = undefined;
    this.modeValue = mode;
  }

  async close(): Promise<void> {
    // Streaming SUBSCRIBE responses never end by themselves.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  view(): MasterView {
    const mode = this.modeValue;
    const leader = mode.kind === 'leader' ? this : mode.kind === 'no-leader' ? null : mode.leader;
    return {
      id: this.id,
      hostname: this.hostname,
      port: this.port,
      startTime: this.startTime,
      electedTime: this.electedTime,
      leader: leader && { id: leader.id, hostname: leader.hostname, port: leader.port },
      leading: mode.kind === 'leader',
    };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const isScheduler = path === '/api/v1/scheduler' || path === '/master/api/v1/scheduler';
    if (!(await this.faults.admit(req, res, isScheduler ? 'Master has not finished recovery' : 'No leader elected'))) return;
    const mode = this.modeValue;
    if (path === '/master/health' || path === '/health') return void res.writeHead(200, { 'Content-Length': '0' }).end();
    if (path === '/metrics/snapshot') {
      const uptimeSecs = this.model.nowSecs() - this.startTime;
      return this.json(res, url, metricsJson(this.model, { ...this.view(), uptimeSecs }));
    }
    if (path === '/master/redirect' || path === '/redirect') {
      // Always 307, even on the leader, to the leader's root with no path (redirect-headers.txt).
      if (mode.kind === 'no-leader') return this.text(res, 503, 'No leader elected');
      const leader = mode.kind === 'leader' ? this : mode.leader;
      return void res.writeHead(307, { Location: `//${leader.hostname}:${leader.port}`, 'Content-Length': '0' }).end();
    }
    const isState = path === '/master/state' || path === '/state';
    // Master::Http::stateSummary redirects and answers 503 as Master::Http::state does.
    const isSummary = path === '/master/state-summary' || path === '/state-summary';
    // Master::Http::api answers on /api/v1 (route "/api/v1" of the master actor); a 0.28 master has none.
    const isOperator = (path === '/api/v1' || path === '/master/api/v1') && this.operator !== undefined && mode.kind !== 'old-non-leader';
    if (!isState && !isSummary && !isScheduler && !isOperator) return this.text(res, 404, '');
    if (mode.kind === 'no-leader') return this.text(res, 503, 'No leader elected');
    if (mode.kind === 'redirect' || (mode.kind === 'old-non-leader' && isScheduler)) {
      const location = `//${mode.leader.hostname}:${mode.leader.port}${path}${url.search}`;
      return void res.writeHead(307, { Location: location, 'Content-Length': '0' }).end();
    }
    if (isState) return this.json(res, url, stateJson(this.model, this.view()));
    if (isSummary) return this.json(res, url, stateSummaryJson(this.model, this.view()));
    const body = await readBody(req);
    if (body === null) return this.text(res, 413, `Request body exceeds ${MAX_BODY} bytes`);
    if (isOperator) return this.operator?.handle(req, res, body, this);
    if (!this.scheduler) return this.text(res, 404, '');
    this.scheduler(req, res, body);
  }

  private json(res: http.ServerResponse, url: URL, doc: unknown): void {
    const jsonp = url.searchParams.get('jsonp');
    const text = JSON.stringify(doc);
    const answer = (): void => {
      // Every read-only endpoint accepts ?jsonp=callback (Mesos src/master/http.cpp).
      if (jsonp) res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(`${jsonp}(${text});`);
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(text);
    };
    if (this.faults.slowAnswerMs > 0) setTimeout(answer, this.faults.slowAnswerMs);
    else answer();
  }

  private text(res: http.ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
