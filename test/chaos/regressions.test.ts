// Failures the chaos runs found, each kept as the smallest test that reproduces it (issue 6, "Done when").
import { memoryLogger } from '../../src/log';
import { SchedulerClient } from '../../src/mesos/scheduler-client';
import { type SimCluster, startSimCluster } from '../../src/sim';
import { until } from '../pi/pi-harness';

describe('chaos regressions', () => {
  let cluster: SimCluster;
  const clients: SchedulerClient[] = [];

  beforeEach(async () => {
    cluster = await startSimCluster({ agents: 1, background: false, heartbeatIntervalSeconds: 0.2, tickMs: 50 });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.stop();
    await cluster.close();
  });

  // Seeds 103 and 105 (silent master): the master went silent while the daemon resubscribed, so the new
  // stream never carried SUBSCRIBED; once the master spoke again its heartbeats kept the watchdog fed and
  // the client sat connected but unsubscribed for good, and the job never finished.
  it('a stream whose first event is not SUBSCRIBED is dropped and the client subscribes again', async () => {
    const logger = memoryLogger();
    const client = new SchedulerClient({
      masters: [cluster.url],
      framework: { user: 'root', name: 'chaos regression', failoverTimeoutSeconds: 60, checkpoint: true },
      logger,
      onEvent: () => undefined,
      backoffMinMs: 10,
      backoffMaxMs: 40,
      requestTimeoutMs: 2000,
    });
    clients.push(client);
    client.start();
    await until('the first SUBSCRIBED', () => client.state.phase === 'subscribed');

    cluster.faults.silence(true);
    cluster.faults.dropSubscription();
    await until('the client to notice the dropped stream', () => client.state.phase !== 'subscribed');
    // Long enough for the new SUBSCRIBE to be answered on the silent master, its SUBSCRIBED lost.
    await new Promise((r) => setTimeout(r, 400));
    cluster.faults.silence(false);

    await until('SUBSCRIBED again', () => client.state.phase === 'subscribed', 10_000);
    expect(logger.lines).toContainEqual(expect.stringMatching(/sent HEARTBEAT before SUBSCRIBED; subscribing again/));
    expect(logger.lines.filter((l) => /subscribed to /.test(l))).toHaveLength(2);
  });
});
