// Issue 3, "Done when": with each fault switch on, the final sum is bit-identical to the fault-free run and
// nothing is counted twice. Every case runs the same 1e8-term job in the same fixed chunks on a fresh
// simulated cluster; the fault is switched on once chunks are in flight, and each case checks that its
// fault really happened, so a switch that silently did nothing cannot pass.
import { memoryLogger } from '../../src/log';
import { executorIdFor } from '../../src/pi/offers';
import type { PiService } from '../../src/pi/service';
import type { SimCluster } from '../../src/sim';
import { done, expectedSum, until, useRig } from './pi-harness';

interface Rig {
  cluster: SimCluster;
  service: PiService;
  log: { lines: string[] };
  executorId: string;
}

interface Case {
  name: string;
  standbys?: number;
  before?: (c: SimCluster) => void;
  fault: (r: Rig) => Promise<void>;
  happened: (r: Rig) => void;
}

const subscriptions = (r: Rig) => r.log.lines.filter((l) => /subscribed to /.test(l)).length;

const CASES: Case[] = [
  {
    name: 'dropped subscription',
    fault: async (r) => r.cluster.faults.dropSubscription(),
    happened: (r) => expect(subscriptions(r)).toBeGreaterThanOrEqual(2),
  },
  {
    name: '503 answers while resubscribing',
    fault: async (r) => {
      r.cluster.faults.unavailable(6);
      r.cluster.faults.dropSubscription();
    },
    happened: (r) => {
      expect(r.cluster.leader()!.faults.unavailable).toBe(0);
      expect(subscriptions(r)).toBeGreaterThanOrEqual(2);
    },
  },
  {
    name: 'leader change by 307',
    standbys: 1,
    fault: async (r) => r.cluster.faults.redirectTo(r.cluster.masters[1]),
    happened: (r) => expect(r.service.connection.master).toBe(`${r.cluster.masters[1].url}/api/v1/scheduler`),
  },
  {
    name: 'lost agent',
    fault: async (r) => r.cluster.faults.loseAgent(r.service.job!.launchedTasks()[0].agentId),
    happened: (r) => {
      expect(r.service.job!.counters.lost).toBeGreaterThanOrEqual(1);
      expect(r.log.lines).toContainEqual(expect.stringMatching(/^warn: agent \S+ is gone; its tasks will be reported lost/));
    },
  },
  {
    name: 'killed executor',
    fault: async (r) => until('an executor to kill', () => r.cluster.faults.killExecutor(r.service.connection.frameworkId!, r.executorId)),
    happened: (r) => {
      expect(r.service.job!.counters.failed + r.service.job!.counters.lost).toBeGreaterThanOrEqual(1);
      expect(r.log.lines).toContainEqual(expect.stringMatching(new RegExp(`^warn: executor ${r.executorId} on agent \\S+ terminated with signal 9 \\(SIGKILL\\)$`)));
    },
  },
  {
    name: 'duplicated updates',
    fault: async (r) => r.cluster.faults.duplicateUpdates(12),
    happened: (r) => expect(r.cluster.scheduler.streams.faults.duplicateUpdates).toBe(0),
  },
  {
    name: 'delayed events',
    before: (c) => c.faults.delayEvents(40),
    fault: async () => undefined,
    happened: (r) => expect(r.cluster.scheduler.streams.faults.eventDelayMs).toBe(40),
  },
];

describe('the π framework through every fault switch', () => {
  const scope = useRig();
  let reference: bigint;

  async function run(c: Case | null): Promise<Rig> {
    const cluster = await scope.cluster({ standbys: c?.standbys ?? 0 });
    c?.before?.(cluster);
    const log = memoryLogger();
    const s = await scope.service([cluster.url], { logger: log });
    const r: Rig = { cluster, service: s, log, executorId: executorIdFor(scope.rig.options([], scope.files.url).executor) };
    s.start();
    if (c) {
      await until('chunks in flight', () => (s.job?.counters.launched ?? 0) >= 4 && s.job!.runningCount() > 0);
      await c.fault(r);
    }
    await done(s);
    return r;
  }

  it('fault-free run: the reference sum', async () => {
    const s = (await run(null)).service;
    reference = s.job!.total().sum;
    expect(reference).toBe(expectedSum(s.job!));
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: the same sum, bit for bit, and no chunk counted twice', async (_name, c) => {
    const r = await run(c);
    const ledger = r.service.job!;
    c.happened(r);
    expect(ledger.total().sum).toBe(reference);
    expect(ledger.data.chunks.map((ch) => ch.state.kind)).toEqual(Array(25).fill('done'));
    expect(ledger.counters.finished).toBe(25);
    expect(ledger.counters.mismatches).toBe(0);
    expect(ledger.total().termsDone).toBe(1e8);
  });
});
