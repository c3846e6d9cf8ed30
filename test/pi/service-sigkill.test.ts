// Issue 3, "Done when": a daemon killed with SIGKILL mid-job, then restarted, resumes and finishes with the
// same sum, and nothing is counted twice. The daemon is a real process (daemon-child.ts, transpiled), killed
// without any chance to save or say goodbye; the second one resumes from stateDir and fails over to the
// same framework id, so the tasks the first one launched still report.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import type { ExecutorServer } from '../../src/pi/executor-server';
import { LEDGER_FILE } from '../../src/pi/job-persistence';
import { parseLedger } from '../../src/pi/ledger-store';
import type { SimCluster } from '../../src/sim';
import { DIGITS_CHUNKS, DIGITS_JOB, FIXED_CHUNKS, NODE_PATH, PiRig, expectedSum, transpileTree, until } from './pi-harness';
import { machinPi } from './reference';

interface Progress {
  finished: number;
  running: number;
  done: boolean;
}

class Daemon {
  readonly child: ChildProcess;
  last: Progress = { finished: 0, running: 0, done: false };
  stderr = '';
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(script: string, options: object) {
    this.child = spawn(process.execPath, [script, JSON.stringify(options)], { env: { ...process.env, NODE_PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      if (lines.length > 0) this.last = JSON.parse(lines[lines.length - 1]);
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exit = new Promise((r) => this.child.on('exit', (code, signal) => r({ code, signal })));
  }
}

describe('a daemon killed with SIGKILL mid-job', () => {
  let rig: PiRig;
  let files: ExecutorServer;
  let cluster: SimCluster;
  let script: string;
  const daemons: Daemon[] = [];

  beforeAll(async () => {
    rig = new PiRig();
    files = await rig.files();
    cluster = await rig.cluster();
    script = transpileTree(join(__dirname, 'daemon-child.ts'), join(rig.dir, 'daemon'));
  });
  afterAll(async () => {
    for (const d of daemons) d.child.kill('SIGKILL');
    await cluster.close();
    await files.close();
    rig.close();
  });

  it('resumes after a restart and finishes with the same sum, each chunk counted once', async () => {
    const stateDir = join(rig.dir, 'state');
    const { logger: _l, ...options } = rig.options([cluster.url], files.url, { stateDir, logger: memoryLogger() });
    const first = new Daemon(script, { ...options, start: true });
    daemons.push(first);
    const file = join(stateDir, LEDGER_FILE);
    const savedDone = (): number => {
      try {
        return parseLedger(readFileSync(file, 'utf8'), Date.now(), FIXED_CHUNKS).counters.finished;
      } catch {
        return 0; // not written yet
      }
    };
    // Killed once a saved ledger holds results and tasks are out on the agents.
    await until('saved results and running tasks', () => savedDone() >= 3 && first.last.running >= 2);
    first.child.kill('SIGKILL');
    expect(await first.exit).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = savedDone();

    const second = new Daemon(script, { ...options, start: false });
    daemons.push(second);
    expect(await second.exit).toEqual({ code: 0, signal: null });
    expect(second.last.done).toBe(true);
    const resumed = /^resuming π job [a-z0-9]+: (\d+) of 100000000 terms done, (\d+) tasks to reconcile$/m.exec(second.stderr);
    expect(Number(resumed?.[1])).toBe(killedAt * 4_000_000);
    expect(Number(resumed?.[2])).toBeGreaterThan(0);
    expect(second.stderr).toMatch(/^re-subscribing as framework \S+-0000 /m);

    const ledger = parseLedger(readFileSync(file, 'utf8'), Date.now(), FIXED_CHUNKS);
    expect(ledger.isDone()).toBe(true);
    expect(ledger.total().sum).toBe(expectedSum(ledger));
    expect(ledger.data.chunks).toHaveLength(25);
    expect(ledger.counters.finished).toBe(25);
    expect(ledger.counters.mismatches).toBe(0);
    expect(killedAt).toBeLessThan(25);
  });
  it('a digits job resumes after a restart and certifies the same bits, every decimal π\'s', async () => {
    const stateDir = join(rig.dir, 'state-digits');
    const { logger: _l, ...options } = rig.options([cluster.url], files.url, { stateDir, logger: memoryLogger(), ledgerOptions: DIGITS_CHUNKS });
    const first = new Daemon(script, { ...options, start: true, digits: DIGITS_JOB });
    daemons.push(first);
    const file = join(stateDir, LEDGER_FILE);
    const saved = () => {
      try {
        return parseLedger(readFileSync(file, 'utf8'), Date.now(), DIGITS_CHUNKS);
      } catch {
        return null; // not written yet
      }
    };
    await until('saved results and running tasks', () => (saved()?.counters.finished ?? 0) >= 3 && first.last.running >= 2);
    first.child.kill('SIGKILL');
    expect(await first.exit).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = saved()!;
    expect(killedAt.isDone()).toBe(false);

    const second = new Daemon(script, { ...options, start: false });
    daemons.push(second);
    expect(await second.exit).toEqual({ code: 0, signal: null });
    // The same framework, so the tasks the first daemon launched still report to the second.
    const framework = /subscribed to \S+ as framework (\S+)/.exec(first.stderr)![1];
    expect(second.stderr).toContain(`re-subscribing as framework ${framework} `);
    const ledger = saved()!;
    expect(ledger.spec).toEqual({ kernel: 'exact', bits: DIGITS_JOB.bits, corrections: DIGITS_JOB.corrections });
    expect(ledger.total().sum).toBe(expectedSum(ledger));
    expect(ledger.counters).toMatchObject({ finished: 20, mismatches: 0 });
    const final = ledger.final as { kind: string; digits: string };
    expect(final.kind).toBe('certified');
    expect(final.digits.length - 2).toBeGreaterThanOrEqual(980);
    expect(machinPi(final.digits.length - 2)).toBe(final.digits);
  });
});
