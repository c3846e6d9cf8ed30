// What the panel says when the π framework cannot work (PiView.problem), and reset.
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import { LEDGER_FILE } from '../../src/pi/job-persistence';
import { until, useRig } from './pi-harness';

describe('π framework problems and reset', () => {
  const scope = useRig();

  it('says why it cannot subscribe when no master answers', async () => {
    const service = await scope.service(['http://127.0.0.1:1']);
    await until('a failed attempt', () => service.connection.lastError !== undefined);
    const view = service.view(Date.now());
    expect(view.state).toBe('error');
    expect(view.problem).toMatch(/^cannot subscribe: .*127\.0\.0\.1:1/);
  });

  it('passes on what a master that wants credentials said', async () => {
    const master: Server = createServer((_req, res) => res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="mesos"' }).end('Unauthorized'));
    await new Promise<void>((r) => master.listen(0, '127.0.0.1', r));
    try {
      const service = await scope.service([`http://127.0.0.1:${(master.address() as AddressInfo).port}`]);
      await until('a failed attempt', () => service.connection.lastError !== undefined);
      expect(service.view(Date.now()).problem).toMatch(/^cannot subscribe: .*401.*credentials/i);
    } finally {
      master.closeAllConnections();
      await new Promise((r) => master.close(r));
    }
  });

  it('says so when no agent offers room for a task', async () => {
    const cluster = await scope.cluster({ agents: 0 });
    const service = await scope.service([cluster.url]);
    service.start();
    await until('the subscription', () => service.connection.phase === 'subscribed');
    expect(service.view(Date.now()).problem).toBeNull();
    expect(service.view(Date.now() + 31_000).problem).toBe('no offers for 31 s: no agent has 1 cpus and 32 MB free for role *');
  });

  /** A service clock that a test can move ahead, so that the 30 s before a problem shows need not pass. */
  function clock() {
    let offset = 0;
    const now = () => Date.now() + offset;
    return { now, skip: (ms: number) => void (offset += ms) };
  }

  it('says so when every agent that offers failed a chunk three times, and the log names them', async () => {
    const cluster = await scope.cluster({ agents: 2 });
    const c = clock();
    // An executor the agents cannot fetch: every launch fails (mesos.md d: TASK_FAILED, container launch failed).
    const broken = { mode: 'per-agent' as const, nodePath: process.execPath, url: `${scope.files.url}.missing`, sha256: scope.rig.bundle.sha256 };
    const logger = memoryLogger();
    // The per-job pause (failure-policy.ts) would stop this job first; off here, the per-chunk rule is left to show.
    const failurePolicy = { budget: 1000, minSameCause: 1000, probeMs: 60_000 };
    const service = await scope.service([cluster.url], { now: c.now, logger, executor: broken, failurePolicy, job: { terms: 8e6, kernel: 'precise', corrections: 2 } });
    service.start();
    // Two chunks of 4e6, each failing three times on each of the two agents.
    await until('every chunk avoided everywhere', () => service.job!.counters.failed === 12);
    expect(service.job!.avoidedChunk()).toEqual({ start: 0, end: 4e6 });
    expect(service.view(c.now()).problem).toBeNull();
    c.skip(31_000);
    // The next offer, declined, shows that agents are there but refused.
    await until('an offer declined after the skip', () => /^every agent/.test(service.view(c.now()).problem ?? ''), 10_000);
    expect(service.view(c.now())).toMatchObject({ state: 'error', problem: 'every agent failed a chunk: see the log; hold to reset' });
    // The log says where and why, once per chunk and agent.
    const avoided = logger.lines.filter((l) => /will not run there again/.test(l));
    expect(avoided).toHaveLength(4);
    expect(avoided[0]).toMatch(/^warn: task pi-\w+-0-4000000-\d: TASK_FAILED: Failed to launch container: .*; the chunk failed 3 times on agent \S+ and will not run there again$/);
  });

  it('says when offers come but are too small for a task', async () => {
    const cluster = await scope.cluster({ agents: 1, agentResources: { cpus: 0.5, mem: 1024, disk: 1024 } });
    const c = clock();
    const logger = memoryLogger();
    const service = await scope.service([cluster.url], { now: c.now, logger });
    service.start();
    await until('the subscription', () => service.connection.phase === 'subscribed');
    const said = () => logger.lines.filter((l) => l.includes('too little for a π task'));
    await until('the offer noted', () => said().length > 0);
    expect(said()[0]).toMatch(/^agent \S+ offers 0\.5 cpus and \d+ MB, too little for a π task \(1 cpus, 32 MB, and 0\.1 cpus, 64 MB once for the executor\); lower pi\.taskCpus or pi\.taskMemMb if it stays so$/);
    // Offers keep coming (refuse_seconds 1), the line does not.
    await new Promise((r) => setTimeout(r, 2500));
    expect(said()).toHaveLength(1);
    c.skip(31_000);
    await until('an offer declined after the skip', () => service.view(c.now()).problem?.startsWith('offers too small') ?? false, 10_000);
    expect(service.view(c.now()).problem).toBe('offers too small: task 1cpu/32MB, executor 0.1cpu/64MB');
    expect(service.job!.runningCount()).toBe(0);
  });

  it('reset kills the running tasks, forgets the job and its saved ledger', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'pi-reset-'));
    const cluster = await scope.cluster();
    const service = await scope.service([cluster.url], { stateDir, job: { terms: 1e9, kernel: 'precise', corrections: 2 } });
    try {
      service.start();
      const jobId = service.job!.jobId;
      await until('tasks running', () => (service.job?.runningCount() ?? 0) >= 3);
      await until('the ledger saved', () => existsSync(join(stateDir, LEDGER_FILE)));
      service.reset();
      expect(service.view(Date.now())).toMatchObject({ state: 'idle', termsDone: 0, termsTotal: 1e9 });
      const fw = cluster.model.frameworks.get(service.connection.frameworkId!)!;
      const ours = () => [...fw.tasks.values()].filter((t) => t.id.startsWith(`pi-${jobId}-`));
      await until('the tasks killed or gone', () => ours().every((t) => t.state === 'TASK_KILLED' || t.state === 'TASK_FINISHED'));
      await until('the saved ledger removed', () => !existsSync(join(stateDir, LEDGER_FILE)));
      // A new job starts from nothing.
      service.start();
      expect(service.job!.jobId).not.toBe(jobId);
    } finally {
      // Stopped here, before its state dir goes: a last save would bring the directory back.
      await service.teardown();
      scope.forget(service);
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
