// One chaos schedule from start to finish: a fresh simulated cluster (two masters, real executors), the daemon
// as a real child process with a stateDir, the schedule's faults fired as the job progresses, then the
// invariants: the job finishes with the fault-free sum bit for bit, every chunk of [0,N) is counted exactly
// once (and a digits job certifies its digits, each one π's: checkDigits), the daemon never died unless killed,
// the ledger file parsed after every kill, and the display drew again once its faults were over; and after each
// fault on the operator event stream, the panel's snapshot equals the master's /state within one refresh
// (convergence.ts).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silenceLimitMs } from '../../src/mesos/scheduler-client';
import { getJson } from '../../src/mesos/http';
import { TERMINAL } from '../../src/mesos/operator-state';
import type { ClusterSnapshot } from '../../src/mesos/snapshot';
import { parseState } from '../../src/mesos/state-parse';
import type { KernelName } from '../../src/pi/kernel';
import type { LedgerOptions } from '../../src/pi/chunk-sizing';
import { LEDGER_FILE } from '../../src/pi/job-persistence';
import type { Ledger } from '../../src/pi/ledger';
import { parseLedger } from '../../src/pi/ledger-store';
import type { DigitsSpec } from '../../src/pi/service';
import { executorIdFor, type ExecutorSpec } from '../../src/pi/offers';
import { type SimCluster, type SimMaster, startSimCluster } from '../../src/sim';
import { converges } from './convergence';
import { type ChildScript, DaemonProcess, describeExit, sleep } from './daemon-process';
import type { ChildOptions } from './protocol';
import { checkCoverage, ReferenceSums } from './reference';
import { type FaultCounts, type FaultKind, type FaultStep, noFaults, type Schedule } from './schedule';

export interface ChaosJob {
  terms: number;
  /** Every chunk this size (no growth), so every run cuts the same chunks and must give the same bits. */
  chunkTerms: number;
  /** The kernel of a job by terms (the service's configured job, which a digits job leaves unused). */
  kernel: KernelName;
  /** A job asked for by digits instead, exact at `bits`: the planner's K and P for `decimals` from `terms`. */
  digits?: Omit<DigitsSpec, 'terms'> & { decimals: number };
}

export interface ChaosEnv {
  job: ChaosJob;
  /** The daemon child, compiled. */
  script: ChildScript;
  /** The executor file server's URL and the bundle's sha256. */
  executor: { url: string; sha256: string };
  agents: number;
  reference: ReferenceSums;
  /** Longest a schedule may take before it counts as a job that never finished. */
  timeoutMs: number;
}

export interface ScheduleResult {
  seed: number;
  faults: FaultCounts;
  /** Empty when every invariant held. */
  violations: string[];
  seconds: number;
  /** Decimals a digits job certified (0 if none); absent for a job by terms. */
  decimals?: number;
  /** The daemon's log tail when something failed. */
  log?: string;
}

// The sim master's heartbeat: short, so a silent master is noticed within a couple of seconds.
const HEARTBEAT_SECONDS = 0.4;
/** The state source's /state refresh (stateRefreshSeconds): short, so the invariant after a stream fault is quick. */
const REFRESH_MS = 2000;
/**
 * How long the source may take to subscribe again once a fault is over: the longest reconnect backoff, a HEARTBEAT
 * (after a silence, the first record tells the source that its SUBSCRIBED was lost) and the requests themselves.
 */
const RESUBSCRIBE_MS = 1500;
/**
 * How long after that the snapshot may take to equal /state. The new SUBSCRIBED and the refresh it starts make it
 * equal at once; but what no event tells (executors ending as a finished job tears down, say) shows only at the
 * refresh after it changed, so a change just after the resubscription is in one refresh later: two in all.
 */
const CONVERGE_MS = RESUBSCRIBE_MS + 2 * REFRESH_MS;

/** The daemon child's options for a job in fixed chunks, served the executor at `served`. */
export function childOptions(job: ChaosJob, served: { url: string; sha256: string }, masters: string[], stateDir: string): ChildOptions {
  const ledger: LedgerOptions = { minChunkTerms: job.chunkTerms, targetTaskSeconds: 1, maxGrowth: 1, maxFailuresPerAgent: 3 };
  const executor: ExecutorSpec = { mode: 'per-agent', nodePath: process.execPath, url: served.url, sha256: served.sha256 };
  return {
    service: {
      masters,
      framework: { user: 'root', name: 'mesos-panel chaos', role: '*', failoverTimeoutSeconds: 3600, hostname: 'localhost' },
      job: { terms: job.terms, kernel: job.kernel, corrections: 2 },
      resources: { taskCpus: 1, taskMemMb: 32, executorCpus: 0.1, executorMemMb: 64 },
      executor,
      refuseSeconds: 1,
      stateDir,
      ledgerOptions: ledger,
      client: { backoffMinMs: 20, backoffMaxMs: 300, requestTimeoutMs: 5000 },
      implicitReconcileMs: 5000,
    },
    autoStart: true,
    digits: job.digits && { terms: job.terms, corrections: job.digits.corrections, bits: job.digits.bits },
    tickMs: 100,
    state: { refreshMs: REFRESH_MS, pollMs: 300 },
    reportMs: 25,
  };
}

class Run {
  readonly faults = noFaults();
  readonly violations: string[] = [];
  decimals?: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly stateDir = mkdtempSync(join(tmpdir(), 'chaos-state-'));
  private readonly options: ChildOptions;
  daemon: DaemonProcess;
  private readonly past: DaemonProcess[] = [];
  /** Display faults end no earlier than this (ms since epoch). */
  displayQuietAt = 0;

  constructor(
    private readonly env: ChaosEnv,
    private readonly cluster: SimCluster,
  ) {
    this.options = childOptions(env.job, env.executor, cluster.masters.map((m) => m.url), this.stateDir);
    this.daemon = new DaemonProcess(env.script, this.options);
  }

  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** The daemon must be alive whenever the schedule did not kill it. */
  checkAlive(when: string): boolean {
    if (this.daemon.alive) return true;
    this.violations.push(`daemon died ${when} (${describeExit(this.daemon.exited!)})`);
    return false;
  }

  async fire(step: FaultStep): Promise<void> {
    const { cluster } = this;
    const f = cluster.faults;
    const counted = (): void => void this.faults[step.kind]++;
    switch (step.kind) {
      case 'dropped-subscription':
        f.dropSubscription();
        return counted();
      case '503':
        f.unavailable(step.amount);
        f.dropSubscription();
        return counted();
      case 'leader-307':
        f.redirectTo(this.otherMaster());
        counted();
        return this.checkConverged(step.kind);
      case 'lost-agent': {
        const agentId = this.busyAgents()[0] ?? cluster.model.registeredAgents()[0]?.id;
        if (!agentId) return;
        await f.loseAgent(agentId);
        counted();
        // A replacement joins a little later, so the cluster keeps its size over many losses.
        this.later(300, () => void cluster.addAgent().catch((err: Error) => this.violations.push(`could not add an agent: ${err.message}`)));
        return;
      }
      case 'killed-executor': {
        const fid = this.frameworkId();
        const executorId = executorIdFor(this.options.service.executor);
        // The executor may be between tasks; give it a moment to exist.
        for (let i = 0; i < 50; i++) {
          if (fid && f.killExecutor(fid, executorId)) return counted();
          await sleep(20);
        }
        return;
      }
      case 'duplicated-updates':
        f.duplicateUpdates(step.amount);
        return counted();
      case 'delayed-updates':
        f.delayEvents(step.amount);
        this.later(1500, () => f.delayEvents(0));
        return counted();
      case 'silent-master':
        // Silent past the heartbeat watchdogs of both the scheduler's stream and the operator's.
        f.silence(true);
        counted();
        await sleep(silenceLimitMs(HEARTBEAT_SECONDS) + 500);
        f.silence(false);
        return this.checkConverged(step.kind);
      case 'dropped-operator-stream':
        f.dropOperatorStreams();
        counted();
        return this.checkConverged(step.kind);
      case 'operator-stream-cut-mid-record':
        f.dropOperatorStreams(true);
        counted();
        // The cut comes with the next record, a HEARTBEAT at the latest.
        await sleep(HEARTBEAT_SECONDS * 1000);
        return this.checkConverged(step.kind);
      case 'leader-election': {
        // The leader loses its ZooKeeper session and exits ("committing suicide" in Master::lostCandidacy,
        // src/master/master.cpp): its connections reset until it is back as a standby. No master is elected for a
        // while, so the others answer 503 (Master::Http::redirect in src/master/http.cpp, no leader known); then
        // one of them leads and the rest answer 307.
        const old = cluster.leader();
        const next = this.otherMaster();
        for (const m of cluster.masters) cluster.setMode({ kind: 'no-leader' }, m);
        if (old) old.faults.drop = true;
        counted();
        await sleep(step.amount);
        if (old) old.faults.drop = false;
        cluster.failover(next);
        return this.checkConverged(step.kind);
      }
      case 'daemon-sigkill':
        return this.killDaemon(counted);
      case 'display-nack':
        this.daemon.send({ cmd: 'nack', ms: step.amount });
        this.displayQuietAt = Math.max(this.displayQuietAt, Date.now() + step.amount);
        return counted();
      case 'display-unplug': {
        const d = this.daemon;
        d.send({ cmd: 'unplug' });
        this.later(step.amount, () => d.send({ cmd: 'plug' }));
        this.displayQuietAt = Math.max(this.displayQuietAt, Date.now() + step.amount);
        return counted();
      }
      case 'button-exit':
        this.daemon.send({ cmd: 'button-exit' });
        return counted();
    }
  }

  private otherMaster(): SimMaster {
    return this.cluster.masters.find((m) => m !== this.cluster.leader())!;
  }

  /** The invariant after a stream fault: once subscribed again, the daemon's snapshot equals /state within a refresh. */
  private async checkConverged(kind: FaultKind): Promise<void> {
    if (!this.checkAlive(`after ${kind}`)) return;
    const daemon = this.daemon;
    const why = await converges({ held: () => daemon.snapshot(), master: () => this.settledState() }, CONVERGE_MS);
    if (why !== null) this.violations.push(`${CONVERGE_MS / 1000} s after ${kind}, the panel's snapshot has not converged to /state: ${why}`);
  }

  /**
   * The leader's /state as the stream tells it: without the ended tasks a master keeps in a framework's `tasks` until
   * the framework acknowledges their last update (Master::removeTask in src/master/master.cpp), which no event
   * announces, so the stream's state drops them at once (operator-state.ts). While the scheduler is cut off by a
   * fault of its own, /state can hold such tasks for seconds.
   */
  private async settledState(): Promise<ClusterSnapshot> {
    const leader = this.cluster.leader();
    if (!leader) throw new Error('no master leads');
    const answer = await getJson(`${leader.url}/master/state`, { timeoutMs: 2000, maxBodyBytes: 1 << 26 });
    if (answer.kind !== 'json') throw new Error(`the leader's /state answered ${answer.status}`);
    const doc = answer.body as { frameworks?: { tasks?: { state?: string }[] }[] };
    for (const f of doc.frameworks ?? []) f.tasks = f.tasks?.filter((t) => !TERMINAL.has(t.state ?? ''));
    return parseState(doc);
  }

  private async killDaemon(counted: () => void): Promise<void> {
    if (!this.checkAlive('before the schedule killed it')) return this.restart();
    const e = await this.daemon.kill();
    if (e.signal !== 'SIGKILL') this.violations.push(`the killed daemon ended with ${describeExit(e)}`);
    counted();
    this.checkLedgerFile('after SIGKILL');
    this.restart();
  }

  restart(): void {
    this.past.push(this.daemon);
    this.daemon = new DaemonProcess(this.env.script, this.options);
  }

  /** What the process guards of every daemon of this run caught. */
  unexpected(): string[] {
    return [...this.past, this.daemon].flatMap((d) => d.unexpected);
  }

  /** The file must parse whenever it exists; before the first save there is none, which is valid too. */
  checkLedgerFile(when: string): void {
    let text: string;
    try {
      text = readFileSync(join(this.stateDir, LEDGER_FILE), 'utf8');
    } catch {
      return;
    }
    try {
      parseLedger(text, Date.now(), this.options.service.ledgerOptions);
    } catch (err) {
      this.violations.push(`ledger file invalid ${when}: ${(err as Error).message}`);
    }
  }

  frameworkId(): string | undefined {
    return [...this.cluster.model.frameworks.values()].find((fw) => !fw.background && fw.name === this.options.service.framework.name)?.id;
  }

  private busyAgents(): string[] {
    const fid = this.frameworkId();
    const fw = fid ? this.cluster.model.frameworks.get(fid) : undefined;
    return fw ? [...new Set([...fw.tasks.values()].map((t) => t.agentId))] : [];
  }

  /** After the job: the sum, the chunks, the counters, and no file moved aside as corrupt. */
  checkFinalLedger(): void {
    const text = readFileSync(join(this.stateDir, LEDGER_FILE), 'utf8');
    const ledger = parseLedger(text, Date.now(), this.options.service.ledgerOptions);
    if (!ledger.isDone()) this.violations.push('the saved job is not done');
    this.violations.push(...checkCoverage(ledger, this.env.job.terms));
    const expected = this.env.reference.sumOf(ledger.data.chunks, ledger.spec);
    if (ledger.total().sum !== expected) this.violations.push(`sum ${ledger.total().sum} differs from the fault-free ${expected}`);
    const c = ledger.counters;
    if (c.finished !== ledger.data.chunks.length) this.violations.push(`${c.finished} results counted for ${ledger.data.chunks.length} chunks`);
    if (c.mismatches !== 0) this.violations.push(`${c.mismatches} results differed from an earlier copy`);
    const aside = readdirSync(this.stateDir).filter((f) => f.includes('.corrupt-'));
    if (aside.length > 0) this.violations.push(`ledger moved aside as corrupt: ${aside.join(', ')}`);
    if (this.env.job.digits) this.checkDigits(ledger, this.env.job.digits.decimals);
  }

  /**
   * A digits job's own invariants, beyond the bits of its sum. Those bits are an invariant of the chunks, not of
   * the job: the exact kernel rounds down once per group of terms, so another cut gives another (equally
   * bounded) sum; the chunks here are fixed (ChaosJob.chunkTerms), and the reference sums the ledger's own
   * chunks, whose cover of [0, N) is checked beside it. The digits are an invariant of the job: every one equal
   * to Machin's π, at least as many as the plan promised, the BBP check agreed; and the job that certified them
   * is the one the daemon started first, not a new one begun by a restart that found it unfinished.
   */
  private checkDigits(ledger: Ledger, promised: number): void {
    // A daemon that found a saved job not yet certified goes on with it; one that found it certified (a kill after
    // the end) may start the next job, as pi.autoStart says.
    for (const d of [...this.past, this.daemon]) {
      if (d.owedJobId !== null && d.firstJobId !== null && d.firstJobId !== d.owedJobId) {
        this.violations.push(`a restarted daemon began job ${d.firstJobId} instead of going on with ${d.owedJobId}`);
      }
    }
    const lastOwed = this.daemon.owedJobId;
    if (lastOwed !== null && ledger.jobId !== lastOwed) this.violations.push(`the saved job is ${ledger.jobId}, not ${lastOwed} that was owed`);
    const final = ledger.final;
    this.decimals = final?.kind === 'certified' ? final.decimals : 0;
    if (final?.kind !== 'certified') return void this.violations.push(`the digits were not certified: ${final ? final.message : 'no outcome saved'}`);
    if (final.decimals < promised) this.violations.push(`${final.decimals} decimals certified, fewer than the ${promised} planned`);
    const pi = this.env.reference.piDigits(final.decimals);
    if (final.digits !== pi) this.violations.push(`certified ${final.digits.slice(0, 12)}… differs from Machin's π at decimal ${[...final.digits].findIndex((c, i) => c !== pi[i]) - 1}`);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    if (this.daemon.alive) await this.daemon.kill();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

export async function runSchedule(env: ChaosEnv, schedule: Schedule): Promise<ScheduleResult> {
  const t0 = Date.now();
  const cluster = await startSimCluster({
    agents: env.agents,
    seed: schedule.seed,
    standbys: 1,
    background: false,
    allocationIntervalMs: 50,
    updateRetryMs: 300,
    heartbeatIntervalSeconds: HEARTBEAT_SECONDS,
    tickMs: 50,
    executorRegistrationTimeoutMs: 20_000,
  });
  const run = new Run(env, cluster);
  const deadline = t0 + env.timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  try {
    for (const step of schedule.steps) {
      // Chunks finished are counted by the job in the ledger; a restarted daemon reports the saved count.
      await run.daemon.until(`${step.afterChunks} chunks before ${step.kind}`, (p) => p.finished >= step.afterChunks || p.done, left());
      await sleep(step.jitterMs);
      if (!run.checkAlive(`before ${step.kind}`)) run.restart();
      await run.fire(step);
    }
    // A digits job ends once its digits are certified (or refuted), after the last chunk.
    const digits = env.job.digits !== undefined;
    await run.daemon.until('the job to finish', (p) => p.done && (!digits || p.final !== null), left());
    // The display must draw again once NACKs and unplugs are over.
    await sleep(Math.max(0, run.displayQuietAt - Date.now()));
    const drawn = run.daemon.last!.i2cOk;
    await run.daemon.until('the display to draw again after its faults', (p) => p.i2cOk > drawn, Math.min(left(), 10_000));
    if (run.checkAlive('before the end of the job')) {
      const e = await run.daemon.stop();
      if (e.code !== 0) run.violations.push(`the daemon's stop ended with ${describeExit(e)}`);
    }
    run.checkFinalLedger();
  } catch (err) {
    run.violations.push((err as Error).message);
  }
  for (const line of run.unexpected()) run.violations.push(`daemon log: ${line}`);
  const log = run.violations.length > 0 ? run.daemon.stderrTail : undefined;
  await run.close();
  await cluster.close();
  const decimals = env.job.digits ? (run.decimals ?? 0) : undefined;
  return { seed: schedule.seed, faults: run.faults, violations: run.violations, seconds: (Date.now() - t0) / 1000, decimals, log };
}
