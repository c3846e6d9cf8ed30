// The run's leak check finds what a test leaves behind: a child that inherited the run's marker, and one started
// with a clean environment in the run's temp folder (as a simulated agent starts an executor).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Leftovers {
  MARKER: string;
  leftoverProcesses(runId: string, dir: string, exceptPid: number): { pid: number; command: string }[];
  leftoverFiles(dir: string): string[];
}
const { MARKER, leftoverProcesses, leftoverFiles } = require('./leftovers') as Leftovers;

describe('the leak check', () => {
  const children: ChildProcess[] = [];
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mp-leaks-'))));
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGKILL'))))));
    rmSync(dir, { recursive: true, force: true });
  });

  const idle = (opts: { env: NodeJS.ProcessEnv; cwd?: string }): ChildProcess => {
    const c = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1 << 30)'], { ...opts, stdio: 'ignore' });
    children.push(c);
    return c;
  };

  it('finds a child carrying the run marker, and one working in the run folder, but not another run\'s', async () => {
    const marked = idle({ env: { ...process.env, [MARKER]: 'run-a' } });
    const inFolder = idle({ env: {}, cwd: dir });
    const otherRun = idle({ env: { ...process.env, [MARKER]: 'run-b' } });
    // /proc shows the new process's environment once it has exec'd node.
    await new Promise((r) => setTimeout(r, 300));
    const pids = leftoverProcesses('run-a', dir, process.pid).map((p) => p.pid);
    expect(pids).toEqual(expect.arrayContaining([marked.pid, inFolder.pid]));
    expect(pids).not.toContain(otherRun.pid);
    expect(leftoverFiles(dir)).toEqual([]);
  });
});
