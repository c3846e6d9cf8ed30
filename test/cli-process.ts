// The CLI as a real process: src/cli.ts (and the executor it serves) transpiled once per test file into a temp
// folder laid out like the package (dist/, fonts/, systemd/) and run with plain node, so pipes, exit codes and
// signals are the ones a shell would see. Its TMPDIR is a folder of its own, so a test sees what it leaves behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_PATH, transpileTree } from './pi/pi-harness';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves when the process has exited and both streams are drained. */
  done: Promise<CliResult>;
  /** Resolves when the output so far (stdout and stderr, in `stream`) matches. */
  until(stream: 'out' | 'err', re: RegExp): Promise<void>;
}

/** Processes whose working folder is under `dir` (the simulator starts executors in sandboxes there). */
export function processesUnder(dir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

export class CliRig {
  readonly dir = mkdtempSync(join(tmpdir(), 'mp-cli-proc-'));
  /** The child's TMPDIR. */
  readonly tmp = join(this.dir, 'tmp');
  private readonly script: string;
  private readonly children = new Set<ChildProcess>();

  constructor() {
    const repo = join(__dirname, '..');
    this.script = transpileTree(join(repo, 'src/cli.ts'), join(this.dir, 'dist'));
    transpileTree(join(repo, 'src/pi/executor-main.ts'), join(this.dir, 'dist'));
    for (const item of ['fonts', 'systemd', 'package.json', 'src/web/page']) cpSync(join(repo, item), join(this.dir, item), { recursive: true });
    // install checks that the mesos-panel user could read the program, as it would be installed system-wide.
    chmodSync(this.dir, 0o755);
    mkdirSync(this.tmp);
  }

  start(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
    const child = spawn(process.execPath, [this.script, ...args], {
      env: { ...process.env, JOURNAL_STREAM: '', INVOCATION_ID: '', TMPDIR: this.tmp, NODE_PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: this.dir,
    });
    this.children.add(child);
    const text = { out: '', err: '' };
    const waiters: { stream: 'out' | 'err'; re: RegExp; resolve: () => void }[] = [];
    const check = () => {
      for (const w of [...waiters]) if (w.re.test(text[w.stream])) waiters.splice(waiters.indexOf(w), 1), w.resolve();
    };
    child.stdout!.on('data', (d: Buffer) => ((text.out += d.toString()), check()));
    child.stderr!.on('data', (d: Buffer) => ((text.err += d.toString()), check()));
    const done = new Promise<CliResult>((resolve) =>
      child.on('close', (code, signal) => {
        this.children.delete(child);
        resolve({ code, signal, ...text });
      }),
    );
    const until = (stream: 'out' | 'err', re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ stream, re, resolve });
        check();
        void done.then((r) => reject(new Error(`exited (${r.code ?? r.signal}) before ${stream} matched ${re}: ${r.out}${r.err}`)));
      });
    return { child, done, until };
  }

  run(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
    return this.start(args, env).done;
  }

  /** Kills what is still running, including executors a crashed command left behind, and removes the folder. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.children].map((c) => new Promise<void>((resolve) => (c.once('close', () => resolve()), c.kill('SIGKILL')))),
    );
    for (const pid of processesUnder(this.dir)) process.kill(pid, 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
