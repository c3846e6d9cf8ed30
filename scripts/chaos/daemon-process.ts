// The controller's handle on one daemon child (daemon-child.ts): spawn it, read its reports, send it commands,
// and know how it ended.
import { type ChildProcess, spawn } from 'node:child_process';
import type { ChildCommand, ChildOptions, ChildReport, HeldSnapshot, Memory, Progress } from './protocol';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Where the child runs from: its compiled script, and node flags (the soak adds --expose-gc). */
export interface ChildScript {
  path: string;
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

const STDERR_TAIL = 64 * 1024;

export class DaemonProcess {
  readonly child: ChildProcess;
  readonly exit: Promise<Exit>;
  last: Progress | null = null;
  /** The first job this daemon reported running (or resumed); null before it reported one. */
  firstJobId: string | null = null;
  /** The saved, uncertified job this daemon found at start and must go on with (its first report says). */
  owedJobId: string | null = null;
  /** The end of the child's log, for a failure report. */
  stderrTail = '';
  /** Log lines saying that the process guard caught an exception, or that a frame could not be drawn: each is a bug. */
  readonly unexpected: string[] = [];
  exited: Exit | null = null;
  private readonly memoryWaiters: ((m: Memory) => void)[] = [];
  private readonly snapshotWaiters: ((s: HeldSnapshot) => void)[] = [];

  constructor(script: ChildScript, options: ChildOptions) {
    this.child = spawn(process.execPath, [...(script.nodeArgs ?? []), script.path, JSON.stringify(options)], {
      env: { ...process.env, ...script.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exit = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve(this.exited);
      }),
    );
    lines(this.child.stdout!, (line) => {
      const r = JSON.parse(line) as ChildReport;
      if (r.type === 'progress') {
        this.last = r;
        this.firstJobId ??= r.jobId;
        this.owedJobId ??= r.owed;
      }
      else if (r.type === 'memory') this.memoryWaiters.shift()?.(r);
      else this.snapshotWaiters.shift()?.(r);
    });
    lines(this.child.stderr!, (line) => {
      if (/^(error: )?(unexpected: |panel: drawing failed)/.test(line)) this.unexpected.push(line);
      this.stderrTail = (this.stderrTail + line + '\n').slice(-STDERR_TAIL);
    });
    // A child that died cannot read; its death is reported through `exit`, not as an EPIPE here.
    this.child.stdin!.on('error', () => undefined);
  }

  get alive(): boolean {
    return this.exited === null;
  }

  send(c: ChildCommand): void {
    if (this.alive) this.child.stdin!.write(`${JSON.stringify(c)}\n`);
  }

  /** Resolves when a report satisfies cond; rejects if the child exits first or the time runs out. */
  async until(what: string, cond: (p: Progress) => boolean, timeoutMs: number): Promise<Progress> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (this.last && cond(this.last)) return this.last;
      if (!this.alive) throw new Error(`the daemon exited (${describeExit(this.exited!)}) while waiting for ${what}`);
      if (Date.now() > end) throw new Error(`gave up after ${timeoutMs / 1000} s waiting for ${what}`);
      await sleep(20);
    }
  }

  memory(): Promise<Memory> {
    return new Promise((resolve) => {
      this.memoryWaiters.push(resolve);
      this.send({ cmd: 'memory' });
    });
  }

  /** What the daemon's state source holds now; rejects if the child exits before it answers. */
  snapshot(): Promise<HeldSnapshot> {
    return new Promise((resolve, reject) => {
      if (!this.alive) return reject(new Error(`the daemon exited (${describeExit(this.exited!)}) before its snapshot was read`));
      this.snapshotWaiters.push(resolve);
      void this.exit.then((e) => reject(new Error(`the daemon exited (${describeExit(e)}) before its snapshot was read`)));
      this.send({ cmd: 'snapshot' });
    });
  }

  async kill(): Promise<Exit> {
    if (this.alive) this.child.kill('SIGKILL');
    return this.exit;
  }

  /** Asks the daemon to stop as on SIGTERM (daemon.stop(): job saved, display blanked) and waits for it. */
  async stop(timeoutMs = 15_000): Promise<Exit> {
    this.send({ cmd: 'stop' });
    const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const e = await this.exit;
    clearTimeout(t);
    return e;
  }
}

export function describeExit(e: Exit): string {
  return e.signal ? `signal ${e.signal}` : `code ${e.code}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const p of parts) if (p) onLine(p);
  });
}
