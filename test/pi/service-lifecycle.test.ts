// When the π framework is on the master's list: only while a job has work. A job that ends (done, reset or
// torn down by us) leaves the list and stays off it, without warnings about calls the master then refuses.
import { memoryLogger } from '../../src/log';
import { done, until, useRig } from './pi-harness';

describe('the π framework registers only while a job runs', () => {
  const scope = useRig();
  const ours = (cluster: { model: { frameworks: Map<string, { name: string }> } }) =>
    [...cluster.model.frameworks.values()].filter((f) => f.name === 'mesos-panel pi test');

  it('opens idle without subscribing, registers when a job starts', async () => {
    const cluster = await scope.cluster();
    const service = await scope.service([cluster.url]);
    await new Promise((r) => setTimeout(r, 300));
    expect(ours(cluster)).toHaveLength(0);
    expect(service.connection.phase).toBe('stopped');
    service.start();
    await until('the subscription', () => service.connection.phase === 'subscribed');
    expect(ours(cluster)).toHaveLength(1);
  });

  it('a finished job tears its framework down and does not subscribe again, with nothing to warn about', async () => {
    const cluster = await scope.cluster();
    const log = memoryLogger();
    const service = await scope.service([cluster.url], { logger: log, job: { terms: 20_000_000, kernel: 'fast', corrections: 2 } });
    service.start();
    await done(service);
    await until('the framework torn down', () => ours(cluster).length === 0 && service.connection.phase === 'stopped');
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
    const cluster = await scope.cluster();
    const log = memoryLogger();
    const service = await scope.service([cluster.url], { logger: log, job: { terms: 1e9, kernel: 'precise', corrections: 2 } });
    service.start();
    await until('tasks running', () => (service.job?.runningCount() ?? 0) >= 3);
    const fw = ours(cluster)[0] as unknown as { tasks: Map<string, { state: string }> };
    service.reset();
    await until('the framework torn down', () => ours(cluster).length === 0 && service.connection.phase === 'stopped');
    expect(fw.tasks.size).toBe(0);
    expect(log.lines.filter((l) => /^warn:|^error:/.test(l))).toEqual([]);
  });
});
