// Failover of the framework itself (reference/mesos.md b.7): the id is saved in stateDir, so a restarted
// service re-subscribes as the same framework; an id the master has retired gives ERROR "Framework has been
// removed", after which the service subscribes afresh and re-queues every chunk that had no result.
// The master retires an id in two ways, both covered: the daemon stays away past its failover timeout and the
// re-SUBSCRIBE gets ERROR, or an operator tears the framework down while it is subscribed.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import { FRAMEWORK_FILE } from '../../src/pi/framework-store';
import type { PiServiceOptions } from '../../src/pi/service';
import type { SimCluster } from '../../src/sim';
import { done, expectedSum, until, useRig } from './pi-harness';

describe('π framework failover', () => {
  const scope = useRig();
  let stateDir: string;

  beforeEach(() => (stateDir = mkdtempSync(join(tmpdir(), 'pi-failover-'))));
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  const saved = () => (existsSync(join(stateDir, FRAMEWORK_FILE)) ? (JSON.parse(readFileSync(join(stateDir, FRAMEWORK_FILE), 'utf8')).frameworkId as string) : undefined);

  const service = (cluster: SimCluster, over: Partial<PiServiceOptions> = {}) => scope.service([cluster.url], { stateDir, ...over });

  it('a restarted service re-subscribes with the saved id and resumes the saved job to the same sum', async () => {
    const cluster = await scope.cluster();
    const first = await service(cluster);
    first.start();
    await until('chunks in flight', () => (first.job?.counters.finished ?? 0) >= 3 && (first.job?.runningCount() ?? 0) >= 2);
    const id = first.connection.frameworkId!;
    const jobId = first.job!.jobId;
    expect(saved()).toBe(id);
    await first.stop();
    scope.forget(first);

    const log = memoryLogger();
    const second = await service(cluster, { logger: log });
    expect(second.job?.jobId).toBe(jobId);
    expect(log.lines.filter((l) => l.startsWith('resuming'))).toEqual([expect.stringMatching(new RegExp(`^resuming π job ${jobId}: \\d+ of 100000000 terms done, [1-9]\\d* tasks to reconcile$`))]);
    await until('the resubscription', () => second.connection.phase === 'subscribed');
    expect(second.connection.frameworkId).toBe(id);
    expect(log.lines.filter((l) => l.startsWith('re-subscribing'))).toEqual([expect.stringMatching(new RegExp(`^re-subscribing as framework ${id} \\(saved 20\\d\\d-`))]);
    await done(second);
    expect(second.job!.total().sum).toBe(expectedSum(second.job!));
    expect(second.job!.counters.finished).toBe(25);
    expect(second.job!.counters.mismatches).toBe(0);
  });

  it('a daemon away past its failover timeout gets "Framework has been removed", starts a new framework and re-queues', async () => {
    const cluster = await scope.cluster();
    const timeout = { user: 'root', name: 'mesos-panel pi test', role: '*', failoverTimeoutSeconds: 1, hostname: 'localhost' };
    const first = await service(cluster, { framework: timeout });
    first.start();
    await until('results in and chunks in flight', () => (first.job?.counters.finished ?? 0) >= 2 && (first.job?.runningCount() ?? 0) >= 2);
    const old = first.connection.frameworkId!;
    await first.stop();
    scope.forget(first);
    // Master::removeFramework once the failover timeout has passed: its tasks are killed and the id retired.
    await until('the master to remove the framework', () => cluster.model.removedFrameworkIds.has(old));

    const log = memoryLogger();
    const second = await service(cluster, { framework: timeout, logger: log });
    const running = second.job!.runningCount();
    expect(running).toBeGreaterThanOrEqual(2);
    await until('a new framework', () => second.connection.phase === 'subscribed' && second.connection.frameworkId !== old);
    expect(log.lines.filter((l) => l.includes('was removed by the master'))).toEqual([
      `warn: framework ${old} was removed by the master; subscribing anew, ${running} chunks re-queued`,
    ]);
    // The new id is saved while the job runs (the job's end then tears the framework down and forgets it).
    const fresh = second.connection.frameworkId!;
    await until('the new id saved', () => saved() === fresh);
    await done(second);
    expect(second.job!.total().sum).toBe(expectedSum(second.job!));
    expect(second.job!.counters.retried).toBeGreaterThanOrEqual(running);
    expect(second.job!.counters.finished).toBe(25);
    expect(second.job!.counters.mismatches).toBe(0);
  });

  it('after an operator\'s teardown it subscribes anew, saves the new id and re-queues what had no result', async () => {
    const cluster = await scope.cluster();
    const log = memoryLogger();
    const s = await service(cluster, { logger: log });
    s.start();
    await until('chunks in flight', () => (s.job?.runningCount() ?? 0) >= 2);
    const old = s.connection.frameworkId!;
    // An operator's teardown (Master::removeFramework): ERROR on the open stream, tasks killed, id retired.
    cluster.model.removeFramework(cluster.model.frameworks.get(old)!);
    await until('a new framework', () => s.connection.phase === 'subscribed' && s.connection.frameworkId !== old);
    const fresh = s.connection.frameworkId!;
    expect(fresh).not.toBe(old);
    await until('the new id saved', () => saved() === fresh);
    await done(s);
    expect(log.lines.some((l) => l.includes(`framework ${old} was removed by the master; subscribing anew`))).toBe(true);
    expect(s.job!.total().sum).toBe(expectedSum(s.job!));
    expect(s.job!.counters.retried).toBeGreaterThanOrEqual(1);
    expect(s.job!.counters.finished).toBe(25);
  });
});
