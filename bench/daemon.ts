// The daemon's resident memory after 100 polls of a simulated master (target 80 MB, a small part of a Pi's RAM), next to a bare
// Node process measured the same way, so the figure reads as "what the panel adds to Node".
import { fork, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { startSimCluster } from '../src/sim';
import type { BenchRow } from './types';

interface ChildReport {
  polls?: number;
  rss?: number;
  gc?: boolean;
  error?: string;
}

/** What systemd/mesos-panel.service sets: glibc malloc arenas and V8's young generation capped. */
const UNIT = { env: { MALLOC_ARENA_MAX: '2' }, args: ['--max-semi-space-size=2'] };

function runChild(script: string, args: string[], asUnit: boolean): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = fork(script, args, {
      execArgv: ['--expose-gc', ...(asUnit ? UNIT.args : [])],
      env: { ...process.env, ...(asUnit ? UNIT.env : {}) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let report: ChildReport | null = null;
    child.on('message', (m) => (report = m as ChildReport));
    child.on('error', reject);
    child.on('exit', (code) => (report ? resolve(report) : reject(new Error(`child exited with ${code} before reporting`))));
  });
}

export async function run(): Promise<BenchRow[]> {
  const cluster = await startSimCluster({ agents: 8, seed: 3 });
  try {
    const daemon = await runChild(path.join(__dirname, 'daemon-child.js'), [cluster.url], true);
    const defaults = await runChild(path.join(__dirname, 'daemon-child.js'), [cluster.url], false);
    if (daemon.error || daemon.rss === undefined || defaults.rss === undefined) throw new Error(daemon.error ?? defaults.error ?? 'no report');
    const bare = Number(spawnSync(process.execPath, ['--expose-gc', '-e', 'gc(); console.log(process.memoryUsage().rss)'], { encoding: 'utf8' }).stdout);
    const mb = (b: number) => b / (1024 * 1024);
    const rows: BenchRow[] = [
      { section: 'daemon', name: `resident memory after ${daemon.polls} polls (8 agents)`, value: mb(daemon.rss), unit: 'MB', note: 'as the systemd unit runs it; target ≤ 80 MB' },
      { section: 'daemon', name: 'the same with Node\'s default memory settings', value: mb(defaults.rss), unit: 'MB' },
    ];
    if (bare > 0) rows.push({ section: 'daemon', name: 'an empty node process, same measurement', value: mb(bare), unit: 'MB' });
    return rows;
  } finally {
    await cluster.close();
  }
}
