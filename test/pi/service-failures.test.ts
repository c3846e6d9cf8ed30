// A wrong setting pauses the job within tens of failed tasks, and says why and what to fix: on the screen,
// in the log and in the line `mesos-panel pi` exits with. Against the simulator, whose agents fail as real
// ones do (src/sim/fetcher.ts, executor-launch.ts, agent.ts).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import type { CommandContext } from '../../src/commands/context';
import { registerPi } from '../../src/commands/pi';
import { resolveConfig } from '../../src/config';
import { memoryLogger } from '../../src/log';
import type { PiService, PiServiceOptions } from '../../src/pi/service';
import type { SimCluster } from '../../src/sim';
import { done, expectedSum, until, useRig } from './pi-harness';

/** The most failed tasks a wrong setting may cost before the job pauses, on this 3-agent cluster. */
const BOUND = 40;

describe('π job pauses on a wrong setting', () => {
  const scope = useRig();

  async function pausedRun(over: Partial<PiServiceOptions>, prepare: (c: SimCluster) => void = () => undefined) {
    const cluster = await scope.cluster({ agents: 3 });
    prepare(cluster);
    const logger = memoryLogger();
    const service = await scope.service([cluster.url], { logger, ...over });
    service.start();
    await until('the pause', () => service.paused !== null, 30_000);
    const failed = (s: PiService) => s.job!.counters.failed + s.job!.counters.lost;
    const cost = failed(service);
    // Stopped launching: nothing more fails once what was in flight has ended.
    await until('nothing running', () => service.job!.runningCount() === 0, 10_000);
    const settled = failed(service);
    await new Promise((r) => setTimeout(r, 500));
    expect(failed(service)).toBe(settled);
    expect(cost).toBeLessThanOrEqual(BOUND);
    const view = service.view(Date.now());
    const pauses = logger.lines.filter((l) => l.includes('π job paused'));
    expect(pauses).toHaveLength(1);
    return { service, cluster, view, line: service.paused!, logLine: pauses[0], cost: settled };
  }

  it('names node missing at pi.nodePath', async () => {
    const executor = { mode: 'per-agent' as const, nodePath: '/opt/nowhere/bin/node', url: scope.files.url, sha256: scope.rig.bundle.sha256 };
    const r = await pausedRun({ executor });
    expect(r.line).toMatch(/^π job paused after \d+ failed tasks with no success: Failed to execute '\/opt\/nowhere\/bin\/node': No such file or directory \(on every agent that offers .*\); fix: install Node\.js 18 or newer at \/opt\/nowhere\/bin\/node on .*or set pi\.nodePath/);
    expect(r.view).toMatchObject({ state: 'idle', problem: 'paused: no node at /opt/nowhere/bin/node - hold to resume' });
    expect(r.logLine).toBe(`warn: ${r.line}; a long press resumes the job, and so does a task that succeeds`);
  });

  it('names a user the agents lack', async () => {
    const r = await pausedRun({}, (c) => {
      for (const a of c.agents.values()) a.host = { ...a.host, users: new Set(['pi']) };
    });
    expect(r.line).toMatch(/No such user 'root'.*fix: create the user root on every agent, or set pi\.user/);
    expect(r.view.problem).toBe('paused: no user root - hold to resume');
  });

  it('names an executor URL the agents cannot reach', async () => {
    // A port nothing listens on: the agents' downloads are refused.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const url = `http://127.0.0.1:${port}/executor.js`;
    const executor = { mode: 'per-agent' as const, nodePath: process.execPath, url, sha256: scope.rig.bundle.sha256 };
    const r = await pausedRun({ executor });
    expect(r.line).toContain(`Failed to fetch '${url}': Error downloading resource: Couldn't connect to server (`);
    expect(r.line).toContain(`fix: make ${url} reachable from the agents: set http.advertiseHost to an address they resolve and open port ${port}`);
    expect(r.view.problem).toBe(`paused: cannot fetch 127.0.0.1:${port} - hold to resume`);
  });

  it('names a sandbox the task user cannot write', async () => {
    const r = await pausedRun({}, (c) => {
      for (const a of c.agents.values()) a.host = { ...a.host, sandboxWritable: false };
    });
    expect(r.line).toMatch(/Failed to open file handle of '.*executor\.js': Permission denied .*fix: let user root write the agent's work_dir/);
    expect(r.view.problem).toBe('paused: sandbox not writable - hold to resume');
  });

  it('resumes with a long press once the cause is fixed, and finishes the job it kept', async () => {
    const r = await pausedRun({ job: { terms: 12e6, kernel: 'precise', corrections: 2 } }, (c) => {
      for (const a of c.agents.values()) a.host = { ...a.host, users: new Set(['pi']) };
    });
    const jobId = r.service.job!.jobId;
    for (const a of r.cluster.agents.values()) a.host = { ...a.host, users: null };
    r.service.start();
    expect(r.service.paused).toBeNull();
    await done(r.service);
    expect(r.service.job!.jobId).toBe(jobId);
    expect(r.service.job!.total().sum).toBe(expectedSum(r.service.job!));
  });

  it('skips one agent that lacks the user and does not pause for it, nor for an agent that is lost: the job finishes on the others', async () => {
    const cluster = await scope.cluster({ agents: 3 });
    const [first, second] = [...cluster.agents.keys()];
    const one = cluster.agents.get(first)!;
    one.host = { ...one.host, users: new Set(['pi']) };
    const logger = memoryLogger();
    const service = await scope.service([cluster.url], { logger });
    service.start();
    await until('a chunk done on the healthy agents', () => (service.job?.counters.finished ?? 0) >= 2);
    await cluster.faults.loseAgent(second);
    await done(service);
    expect(service.paused).toBeNull();
    expect(service.job!.total().sum).toBe(expectedSum(service.job!));
    // The bad agent is named once, with its fix, and then skipped: a few failed tasks, not one per chunk.
    const named = logger.lines.filter((l) => l.startsWith('warn: agent ') && l.includes("No such user 'root'"));
    expect(named).toHaveLength(1);
    expect(service.job!.counters.lost).toBeLessThanOrEqual(10);
    expect(named[0]).toMatch(/^warn: agent \S+: launch failure: .*; fix: create the user root on every agent, or set pi\.user/);
  });

  it("ends `mesos-panel pi` with the pause's line, and tears the framework down", async () => {
    const cluster = await scope.cluster({ agents: 3 });
    const values = { masters: [cluster.url], stateDir: scope.rig.dir, http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' }, pi: { nodePath: '/opt/nowhere/bin/node', user: 'root' } };
    const config = resolveConfig([{ source: 'test', values }]);
    const out: string[] = [];
    const ctx: CommandContext = { config: () => config, out: (t) => out.push(t), log: memoryLogger(), configFile: () => undefined };
    const p = new Command('mesos-panel').exitOverride();
    registerPi(p, ctx, { bundle: () => scope.rig.bundle });
    await expect(p.parseAsync(['node', 'mesos-panel', 'pi', '--terms', '1e8'])).rejects.toThrow(
      /^π job paused after \d+ failed tasks with no success: Failed to execute '\/opt\/nowhere\/bin\/node': No such file or directory \(on every agent that offers .*\); fix: install Node\.js 18 or newer at \/opt\/nowhere\/bin\/node .*or set pi\.nodePath to where node is on the agents$/,
    );
    expect(out).toEqual([]);
    expect([...cluster.model.frameworks.values()].filter((f) => f.active && !f.background)).toEqual([]);
  });
});
