// `mesos-panel doctor --cluster` against simulated agents, each missing one thing a π task needs.
import { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCluster } from '../../src/commands/doctor-cluster';
import { registerDoctor } from '../../src/commands/doctor';
import type { CommandContext } from '../../src/commands/context';
import { resolveConfig } from '../../src/config';
import { memoryLogger } from '../../src/log';
import type { SimCluster } from '../../src/sim';
import { PiRig } from './pi-harness';

describe('mesos-panel doctor --cluster', () => {
  let rig: PiRig;
  let cluster: SimCluster;
  let stateDir: string;

  beforeAll(async () => {
    rig = new PiRig();
    cluster = await rig.cluster({ agents: 4 });
    const [, noNode, noUser, readOnly] = [...cluster.agents.values()];
    noNode.host = { ...noNode.host, missing: new Set([process.execPath]) };
    noUser.host = { ...noUser.host, users: new Set(['pi']) };
    readOnly.host = { ...readOnly.host, sandboxWritable: false };
    stateDir = mkdtempSync(join(tmpdir(), 'doctor-'));
  });
  afterAll(async () => {
    await cluster.close();
    rig.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const config = (advertiseHost: string) =>
    resolveConfig([{ source: 'test', values: { masters: [cluster.url], stateDir, http: { bind: '127.0.0.1', port: 0, advertiseHost }, pi: { nodePath: process.execPath, user: 'root' } } }]);

  it('names per agent what works and what to fix, then tears its framework down', async () => {
    const findings = await checkCluster(config('127.0.0.1'), { log: memoryLogger(), bundle: rig.bundle, timeoutMs: 20_000 });
    expect(findings.map((f) => [f.check, f.ok])).toEqual([
      ['agent agent-1', true],
      ['agent agent-2', false],
      ['agent agent-3', false],
      ['agent agent-4', false],
    ]);
    expect(findings[0].detail).toMatch(/^ran a π task: fetched http:\/\/127\.0\.0\.1:\d+\/executor\.js, started \S+ as root$/);
    expect(findings[1].detail).toBe(`executor failed: Failed to execute '${process.execPath}': No such file or directory`);
    expect(findings[1].fix).toBe(`install Node.js 18 or newer at ${process.execPath} on agent-2, or set pi.nodePath to where node is on the agents`);
    expect(findings[2].detail).toMatch(/^launch failed: Failed to create executor directory '.*': Failed to chown directory to 'root': No such user 'root'$/);
    expect(findings[2].fix).toBe('create the user root on every agent, or set pi.user to one that exists there');
    expect(findings[3].detail).toMatch(/^fetch failed: Failed to fetch 'http:\/\/127\.0\.0\.1:\d+\/executor\.js': Error downloading resource: Failed to open file handle of '.*': Permission denied$/);
    expect(findings[3].fix).toMatch(/^let user root write the agent's work_dir \(--work_dir\) on agent-4/);
    expect([...cluster.model.frameworks.values()].filter((f) => f.active && !f.background)).toEqual([]);
  });

  it('names an executor URL the agents cannot reach, and the CLI fails with the count', async () => {
    const out: string[] = [];
    const cfg = config('127.0.0.2');
    const ctx: CommandContext = { config: () => cfg, out: (t) => out.push(t), log: memoryLogger(), configFile: () => undefined };
    const p = new Command('mesos-panel').exitOverride();
    registerDoctor(p, ctx);
    // The CLI serves the executor bundled next to the running code; the test swaps in the one built from sources.
    const bundleModule = require('../../src/pi/executor-bundle') as typeof import('../../src/pi/executor-bundle');
    const spy = jest.spyOn(bundleModule, 'executorBundle').mockReturnValue(rig.bundle);
    try {
      await expect(p.parseAsync(['node', 'mesos-panel', 'doctor', '--cluster'])).rejects.toThrow('4 problems found (see the fixes above)');
    } finally {
      spy.mockRestore();
    }
    expect(out).toHaveLength(4);
    expect(out[0]).toMatch(
      /^FAIL agent agent-1: fetch failed: Failed to fetch 'http:\/\/127\.0\.0\.2:(\d+)\/executor\.js': Error downloading resource: Couldn't connect to server\n {5}fix: make http:\/\/127\.0\.0\.2:\1\/executor\.js reachable from the agents: set http\.advertiseHost to an address they resolve and open port \1$/,
    );
  });
});
