import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SchedulerCall } from '../../src/mesos/scheduler-calls';
import { SchedulerClient } from '../../src/mesos/scheduler-client';
import * as events from '../../src/mesos/scheduler-events';
import { memoryLogger } from '../../src/log';
import type { TaskStatus } from '../../src/mesos/scheduler-events';
import { PI_120 } from './reference';
import { done, expectedSum, until, useRig } from './pi-harness';

describe('the π framework on a simulated cluster with the real executor', () => {
  const scope = useRig();

  it('computes 1e8 terms to the sum of the same chunks summed here, with only digits of π certified', async () => {
    const cluster = await scope.cluster();
    const log = memoryLogger();
    const service = await scope.service([cluster.url], { logger: log });
    service.start();
    await done(service);
    // The log names the two estimates as the CLI, the screens and the README do.
    expect(log.lines.filter((l) => l.includes(' done: '))).toEqual([
      expect.stringMatching(/^π job \w+ done: 100000000 terms in [\d.]+ s; raw 3\.1415926 \(7 decimals certified\), corrected 3\.14159265358979323846\d* \(\d+ decimals certified, 2 Euler corrections\)$/),
    ]);
    const ledger = service.job!;
    expect(ledger.total().sum).toBe(expectedSum(ledger));
    expect(ledger.data.chunks).toHaveLength(25);
    expect(ledger.counters).toMatchObject({ finished: 25, failed: 0, lost: 0, mismatches: 0 });
    const view = service.view(Date.now());
    expect(view).toMatchObject({ state: 'done', problem: null, termsDone: 1e8, termsTotal: 1e8 });
    // N = 1e8, precise, K = 2: reference/leibniz.md 1c reports 28 certified decimals.
    expect(view.correctedDigits.length).toBeGreaterThanOrEqual(2 + 25);
    expect(PI_120.startsWith(view.correctedDigits)).toBe(true);
    expect(PI_120.startsWith(view.rawDigits)).toBe(true);
    expect(view.rawDigits).toBe('3.1415926');
  });
});

describe('the calls the π framework makes', () => {
  const scope = useRig();
  afterEach(() => jest.restoreAllMocks());

  it('acknowledges exactly the updates with a uuid, suppresses when done, declines with the filter, reconciles every period', async () => {
    const calls: SchedulerCall[] = [];
    const updates: TaskStatus[] = [];
    const send = SchedulerClient.prototype.send;
    jest.spyOn(SchedulerClient.prototype, 'send').mockImplementation(function (this: SchedulerClient, call) {
      calls.push(call);
      return send.call(this, call);
    });
    const decode = events.decodeSchedulerEvent;
    jest.spyOn(events, 'decodeSchedulerEvent').mockImplementation((record) => {
      const e = decode(record);
      if (e.type === 'UPDATE') updates.push(e.update.status);
      return e;
    });
    const cluster = await scope.cluster();
    const service = await scope.service([cluster.url], { implicitReconcileMs: 150 });
    service.start();
    await done(service);
    await until('an implicit reconciliation answered', () => calls.some((c) => c.type === 'RECONCILE' && c.reconcile.tasks.length === 0) && updates.some((u) => u.reason === 'REASON_RECONCILIATION'));
    await until('the last acknowledgements sent', () => calls.filter((c) => c.type === 'ACKNOWLEDGE').length >= new Set(updates.filter((u) => u.uuid).map((u) => u.uuid)).size);

    const acks = calls.flatMap((c) => (c.type === 'ACKNOWLEDGE' ? [`${c.acknowledge.task_id.value} ${c.acknowledge.uuid}`] : []));
    const withUuid = new Set(updates.filter((u) => u.uuid !== undefined).map((u) => `${u.task_id.value} ${u.uuid}`));
    expect(new Set(acks)).toEqual(withUuid);
    expect(updates.some((u) => u.uuid === undefined)).toBe(true);

    const types = calls.map((c) => c.type);
    expect(types.indexOf('REVIVE')).toBeLessThan(types.indexOf('ACCEPT'));
    const lastOfferSwitch = Math.max(types.lastIndexOf('REVIVE'), types.lastIndexOf('SUPPRESS'));
    expect(types[lastOfferSwitch]).toBe('SUPPRESS');
    expect(lastOfferSwitch).toBeGreaterThan(types.lastIndexOf('ACCEPT'));
    for (const c of calls) if (c.type === 'DECLINE') expect(c.decline.filters).toEqual({ refuse_seconds: 1 });
    const executors = new Set(calls.flatMap((c) => (c.type === 'ACCEPT' ? c.accept.operations[0].launch.task_infos.map((t) => JSON.stringify(t.executor)) : [])));
    expect(executors.size).toBe(1);
  });
});

describe('one executor per task', () => {
  const scope = useRig();

  // The job's end tears the framework down, which ends whatever executor is still up (Master::removeFramework),
  // so the sandboxes, not the exits, show one executor per chunk; those that exited before did so normally.
  it('gives every chunk its own executor, which exits once its work is acknowledged', async () => {
    const cluster = await scope.cluster();
    const log = memoryLogger();
    const base = scope.rig.options([], scope.files.url);
    const service = await scope.service([cluster.url], { logger: log, executor: { ...base.executor, mode: 'per-task' }, job: { ...base.job, terms: 20_000_000 } });
    service.start();
    await done(service);
    expect(service.job!.total().sum).toBe(expectedSum(service.job!));
    const slaves = join(cluster.workDir, 'slaves');
    const executors = readdirSync(slaves).flatMap((a) => readdirSync(join(slaves, a, 'frameworks')).flatMap((f) => readdirSync(join(slaves, a, 'frameworks', f, 'executors'))));
    expect(executors).toHaveLength(5);
    expect(executors.every((e) => /^mesos-panel-pi-[0-9a-f]{12}-pi-\S+$/.test(e))).toBe(true);
    const exits = log.lines.filter((l) => /^(debug|warn): executor /.test(l));
    expect(exits.every((l) => /^debug: executor mesos-panel-pi-[0-9a-f]{12}-pi-\S+ on agent \S+ exited normally$/.test(l))).toBe(true);
  });
});
