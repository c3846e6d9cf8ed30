// When the π framework is on the master's list: only while a job has work. A job that ends (done, reset or
// torn down by us) leaves the list and stays off it, without warnings about calls the master then refuses.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import { FRAMEWORK_FILE } from '../../src/pi/framework-store';
import { done, until, useRig } from './pi-harness';

describe('the π framework registers only while a job runs', () => {
  const scope = useRig();
  const ours = (cluster: { model: { frameworks: Map<string, { name: string }> } }) =>
    [...cluster.model.frameworks.values()].filter((f) => f.name === 'mesos-panel pi test');

  it('opens idle without subscribing, registers when a job starts', async () => {
    // No agents: nothing is launched, which this test does not need.
    const cluster = await scope.cluster({ agents: 0 });
    const service = await scope.service([cluster.url]);
    await new Promise((r) => setTimeout(r, 300));
    expect(ours(cluster)).toHaveLength(0);
    expect(service.connection.phase).toBe('stopped');
    service.start();
    await until('the subscription', () => service.connection.phase === 'subscribed');
    expect(ours(cluster)).toHaveLength(1);
  });

  /** A cluster and a service running a job of `terms`, logging to memory. */
  async function running(terms: number) {
    const cluster = await scope.cluster();
    const log = memoryLogger();
    const service = await scope.service([cluster.url], { logger: log, job: { terms, kernel: 'fast', corrections: 2 } });
    service.start();
    const tornDown = () => until('the framework torn down', () => ours(cluster).length === 0 && service.connection.phase === 'stopped');
    return { cluster, log, service, tornDown };
  }

  it('a finished job tears its framework down and does not subscribe again, with nothing to warn about', async () => {
    const { cluster, log, service, tornDown } = await running(20_000_000);
    await done(service);
    await tornDown();
    // Time for the backoff (20-200 ms here) to have subscribed again, had it wanted to.
    await new Promise((r) => setTimeout(r, 600));
    expect(ours(cluster)).toHaveLength(0);
    expect(cluster.model.completedFrameworks.filter((f) => f.name === 'mesos-panel pi test')).toHaveLength(1);
    expect(log.lines.filter((l) => /subscribing anew|^warn:|^error:/.test(l))).toEqual([]);
    // The next job is a new framework.
    service.start();
    await until('subscribed again', () => service.connection.phase === 'subscribed');
    expect(ours(cluster)).toHaveLength(1);
  });

  it('reset tears the framework down, which kills its tasks', async () => {
    const { cluster, log, service, tornDown } = await running(1e10);
    await until('the subscription', () => ours(cluster).length === 1);
    const fw = ours(cluster)[0] as unknown as { tasks: Map<string, { state: string; agentId: string }> };
    // Every agent's executor up, so that no sandbox is still being made when the cluster closes.
    await until('a task running on every agent', () => new Set([...fw.tasks.values()].filter((t) => t.state === 'TASK_RUNNING').map((t) => t.agentId)).size === 3);
    service.reset();
    await tornDown();
    expect(fw.tasks.size).toBe(0);
    expect(log.lines.filter((l) => /^warn:|^error:/.test(l))).toEqual([]);
  });
});

describe('a reset while no master answers', () => {
  const scope = useRig();
  let stateDir: string;
  beforeEach(() => (stateDir = mkdtempSync(join(tmpdir(), 'pi-lifecycle-'))));
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('keeps the framework id, so the next job takes the framework over and kills what the old job left running', async () => {
    const cluster = await scope.cluster();
    const log = memoryLogger();
    const service = await scope.service([cluster.url], { stateDir, logger: log, job: { terms: 1e9, kernel: 'precise', corrections: 2 } });
    service.start();
    await until('tasks running', () => (service.job?.runningCount() ?? 0) >= 3);
    const id = service.connection.frameworkId!;
    const old = service.job!.jobId;
    await until('the framework id saved', () => existsSync(join(stateDir, FRAMEWORK_FILE)));
    cluster.faults.unavailable(1_000_000);
    cluster.faults.dropSubscription(id);
    await until('the subscription lost', () => service.connection.phase !== 'subscribed');
    service.reset();
    await until('unsubscribed', () => service.connection.phase === 'stopped');
    expect(log.lines).toContain(`framework ${id} stays registered while no master answers; the next job takes it over`);
    expect(existsSync(join(stateDir, FRAMEWORK_FILE))).toBe(true);
    cluster.faults.reset();
    service.start();
    await until('subscribed again', () => service.connection.phase === 'subscribed');
    expect(service.connection.frameworkId).toBe(id);
    const fw = cluster.model.frameworks.get(id)!;
    await until('the old job\'s tasks killed', () => [...fw.tasks.values()].filter((t) => t.id.startsWith(`pi-${old}-`)).every((t) => t.state !== 'TASK_RUNNING' && t.state !== 'TASK_STAGING' && t.state !== 'TASK_STARTING'));
    // Stopped here, before its state dir goes: a last save would bring the directory back.
    await service.teardown();
    scope.forget(service);
  });
});
