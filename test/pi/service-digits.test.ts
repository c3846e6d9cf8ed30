// A job asked for by digits, end to end on a simulated cluster with the real executor: exact chunks at P bits
// summed bit for bit as this process sums them, the Euler corrections and the BBP check in the service, and
// every certified decimal checked against π from Machin's formula; through a lost agent and duplicated updates.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import { piResult } from '../../src/commands/pi';
import { exactChunk } from '../../src/pi/exact-kernel';
import { encodeExactResult } from '../../src/pi/exact-task-data';
import { LEDGER_FILE } from '../../src/pi/job-persistence';
import { Ledger } from '../../src/pi/ledger';
import { parseLedger, saveLedger } from '../../src/pi/ledger-store';
import { PiService } from '../../src/pi/service';
import type { SimCluster } from '../../src/sim';
import { DIGITS_CHUNKS, DIGITS_JOB, expectedSum, until, useRig } from './pi-harness';
import { machinPi } from './reference';

const REFERENCE = machinPi(1100);

/** Resolves once the finished job's digits are certified or refuted (in a worker, after the last result). */
const decided = (service: PiService) => until('the digits certified', () => (service.job?.final ?? null) !== null);

/** What every finished digits job must show: the same bits as here, and only digits of π, all of them checked. */
function expectCertified(service: PiService): string {
  const ledger = service.job!;
  expect(ledger.isDone()).toBe(true);
  expect(ledger.total().sum).toBe(expectedSum(ledger));
  expect(ledger.data.chunks).toHaveLength(20);
  expect(ledger.counters).toMatchObject({ finished: 20, mismatches: 0 });
  const final = ledger.final!;
  expect(final.kind).toBe('certified');
  const digits = (final as { digits: string }).digits;
  expect(digits.length - 2).toBeGreaterThanOrEqual(980);
  expect(REFERENCE.slice(0, digits.length)).toBe(digits);
  return digits;
}

/** The digits job finished here, each chunk's result as the executor sends it; `forge` changes one chunk's sum. */
function finishedHere(forge: (sum: bigint) => bigint = (x) => x): Ledger {
  const led = Ledger.create('here1', DIGITS_JOB.terms, { kernel: 'exact', bits: DIGITS_JOB.bits, corrections: DIGITS_JOB.corrections }, 0, DIGITS_CHUNKS);
  for (let l = led.nextChunk('a', 1), i = 0; l; l = led.nextChunk('a', 1), i++) {
    const c = exactChunk(l.start, l.end, DIGITS_JOB.bits);
    const data = encodeExactResult({ start: l.start, end: l.end, kernel: 'exact', bits: DIGITS_JOB.bits, sum: i === 7 ? forge(c.sum) : c.sum, bound: c.bound, terms: l.end - l.start, ms: 30 });
    expect(led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', agentId: 'a', data }, 2).kind).toBe('finished');
  }
  return led;
}

let stateDir: string;
beforeEach(() => (stateDir = mkdtempSync(join(tmpdir(), 'pi-digits-'))));
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

describe('a digits job killed between its last result and its certification', () => {

  /** A daemon opened on the saved `ledger`; open() below also waits for its certification. */
  const opened = async (ledger: Ledger, log: ReturnType<typeof memoryLogger>): Promise<PiService> => {
    await saveLedger(join(stateDir, LEDGER_FILE), ledger);
    // No master: a finished job does not subscribe.
    const service = new PiService({
      masters: ['http://127.0.0.1:9'],
      framework: { user: 'root', name: 'pi test', role: '*', failoverTimeoutSeconds: 60 },
      job: { terms: 1e6, kernel: 'precise', corrections: 2 },
      resources: { taskCpus: 1, taskMemMb: 32, executorCpus: 0.1, executorMemMb: 64 },
      executor: { mode: 'per-agent', nodePath: process.execPath, url: 'http://127.0.0.1:9/executor.js', sha256: '0'.repeat(64) },
      refuseSeconds: 1,
      stateDir,
      logger: log,
      ledgerOptions: DIGITS_CHUNKS,
    });
    await service.open();
    return service;
  };
  const open = async (ledger: Ledger, log = memoryLogger()): Promise<PiService> => {
    const service = await opened(ledger, log);
    await decided(service);
    return service;
  };

  it('certifies on the way up and saves the digits', async () => {
    const service = await open(finishedHere());
    expectCertified(service);
    await service.stop();
    expect(parseLedger(readFileSync(join(stateDir, LEDGER_FILE), 'utf8'), 0, DIGITS_CHUNKS).final).toEqual(service.job!.final);
  });

  it('a start after its certification failed (pi.autoStart, a long press) keeps it for the next daemon to certify', async () => {
    const log = memoryLogger();
    // A directory where the Euler numbers' file goes: they cannot be kept, so the certification on the way up fails.
    const numbers = join(stateDir, 'euler-numbers.txt');
    mkdirSync(numbers);
    const first = await opened(finishedHere(), log);
    await until('the certification to fail', () => log.lines.some((l) => /^error: π job here1: no digits certified: /.test(l)));
    first.startDigits(DIGITS_JOB);
    expect(first.job!.jobId).toBe('here1');
    await first.stop();
    rmdirSync(numbers);
    const next = await open(parseLedger(readFileSync(join(stateDir, LEDGER_FILE), 'utf8'), 0, DIGITS_CHUNKS));
    expect(next.job!.jobId).toBe('here1');
    expectCertified(next);
    await next.stop();
  });

  it('a result whose low bits were forged passes the chunk checks, but BBP refutes the digits: a loud error, no digit shown', async () => {
    const log = memoryLogger();
    // 3^250 units of 2^-3400 (~2^-3004) off: far below what a chunk's plausibility check sees, far above the
    // certified width of ~1e-990, and spread over the bits BBP checks. (A lone flipped bit far above them, such as
    // 2^-3000, moves no hexadecimal digit there, so BBP cannot see it: the check guards the arithmetic and the
    // certification, not every bit an agent returns.)
    const service = await open(finishedHere((x) => x + 3n ** 250n), log);
    await service.stop();
    expect(service.job!.final).toMatchObject({ kind: 'refuted', message: expect.stringMatching(/^BBP digit extraction gives hexadecimal digits [0-9a-f]{8} of π at position \d+, but the \d+ certified decimals give [0-9a-f]{8}; a bug or a damaged result, so no digit is shown$/) });
    expect(log.lines).toContainEqual(expect.stringMatching(/^error: π job here1: CHECK FAILED, no digits certified: BBP digit extraction/));
    const view = service.view(Date.now());
    expect(view).toMatchObject({ state: 'error', problem: expect.stringMatching(/^BBP digit extraction/), correctedDigits: '', rawDigits: '' });
    expect(view.digits).toMatchObject({ phase: 'refuted', decimals: 0, latest: '' });
    expect(() => piResult(service, 2)).toThrow(/^BBP digit extraction/);
  });
});

describe('a digits job on the simulated cluster', () => {
  const scope = useRig();
  it('certifies about a thousand decimals, every one π\'s, with the Euler numbers kept in stateDir', async () => {
    const cluster = await scope.cluster();
    const log = memoryLogger();
    const service = await scope.service([cluster.url], { logger: log, stateDir, ledgerOptions: DIGITS_CHUNKS });
    service.startDigits(DIGITS_JOB);
    // The Euler numbers are built (and kept) while the terms run, not after the last of them.
    await until('the Euler numbers kept', () => existsSync(join(stateDir, 'euler-numbers.txt')));
    expect(service.job!.isDone()).toBe(false);
    await decided(service);
    const digits = expectCertified(service);
    expect(log.lines).toContainEqual(expect.stringMatching(/^π job \w+: 2000000 terms, exact at 3400 bits, 100 Euler corrections$/));
    expect(log.lines).toContainEqual(
      expect.stringMatching(new RegExp(`^π job \\w+: ${digits.length - 2} decimals certified with 100 Euler corrections at 3400 bits in [\\d.]+ s; BBP agrees at hexadecimal position \\d+ \\([0-9a-f]{8}\\); last digits ${digits.slice(-20)}$`)),
    );

    const view = service.view(Date.now());
    expect(view).toMatchObject({ state: 'done', problem: null, correctedDigits: digits });
    expect(view.digits).toEqual({ bits: 3400, corrections: 100, phase: 'certified', decimals: digits.length - 2, latest: digits.slice(-24) });

    const result = piResult(service, 2);
    expect(result.digits).toEqual({ certified: digits, decimals: digits.length - 2, bits: 3400, corrections: 100, bbp: (service.job!.final as { bbp: unknown }).bbp });
    // The 40 decimals of S_N, cut from the 3400-bit sum: N = 2e6 is even, so S_N is below π by about 1/N.
    expect(Number(result.sum) - Math.PI).toBeCloseTo(-5e-7, 12);
    expect(REFERENCE.startsWith(result.corrected)).toBe(true);
  });

  const faults: [string, (c: SimCluster, s: PiService) => void, (c: SimCluster, s: PiService) => void][] = [
    ['a lost agent', (c, s) => c.faults.loseAgent(s.job!.launchedTasks()[0].agentId), (_c, s) => expect(s.job!.counters.lost).toBeGreaterThanOrEqual(1)],
    ['duplicated updates', (c) => c.faults.duplicateUpdates(12), (c) => expect(c.scheduler.streams.faults.duplicateUpdates).toBe(0)],
  ];
  it.each(faults)('through %s: the same bits and the same digits', async (_name, fault, happened) => {
    const cluster = await scope.cluster();
    const service = await scope.service([cluster.url], { ledgerOptions: DIGITS_CHUNKS });
    service.startDigits(DIGITS_JOB);
    await until('chunks in flight', () => (service.job?.counters.launched ?? 0) >= 4 && service.job!.runningCount() > 0);
    fault(cluster, service);
    await decided(service);
    happened(cluster, service);
    expectCertified(service);
  });

  it('refuses a spec no task could run, in one line, and starts nothing', async () => {
    const cluster = await scope.cluster();
    const service = await scope.service([cluster.url], { ledgerOptions: DIGITS_CHUNKS });
    expect(() => service.startDigits({ ...DIGITS_JOB, bits: 10 })).toThrow(/^bits must be an integer from 64 to 400000 \(got 10\)$/);
    expect(() => service.startDigits({ ...DIGITS_JOB, terms: 3 })).toThrow(/^terms must be an integer from 1000000/);
    expect(service.job).toBeNull();
  });
});
