// The headless `mesos-panel pi` command: runs one job to the end on the π framework (src/app/pi-host.ts) and
// prints the result.
import type { Command } from 'commander';
import { UsageError } from '../cli-errors';
import { type Certified } from '../pi/digits';
import { scaledToDecimal, scaledToFixed } from '../pi/exact';
import type { ExecutorBundle } from '../pi/executor-bundle';
import { KERNEL_NAMES, type KernelName } from '../pi/kernel';
import type { DigitsSpec, PiService } from '../pi/service';
import { at200 } from '../pi/view';
import { latestDigits } from '../pi/final-digits';
import { LedgerError, MAX_JOB_TERMS, MIN_JOB_TERMS } from '../pi/ledger';
import { startPi, type PiHost } from '../app/pi-host';
import type { CommandContext } from './context';
import { intOption, masterOption } from './options';
import { digitsOption, planForCluster } from './pi-digits';
import { ProgressLine, type ProgressStream, wantsProgress } from './pi-progress';

/**
 * The two estimates have one name each, here, in the log, on the screens and in the README: `raw`, the certified
 * digits of the partial sum S_N, and `corrected`, those of S_N with `corrections` Euler corrections.
 */
export interface PiResult {
  terms: number;
  chunks: number;
  /** S_N with 40 decimals. */
  sum: string;
  error_bound: number;
  raw: string;
  raw_decimals: number;
  corrected: string;
  corrected_decimals: number;
  corrections: number;
  seconds: number;
  terms_per_second: number;
  tasks: { launched: number; finished: number; failed: number; lost: number; retried: number };
  /**
   * A job asked for by digits: every certified decimal ("3.14159…", `decimals` after the point), the exact
   * chunks' precision and the Euler corrections behind them, and where BBP digit extraction agreed with them.
   */
  digits?: { certified: string; decimals: number; bits: number; corrections: number; bbp: { position: number; hex: string } };
}

/** The finished job as the CLI prints it; digit counts are decimals after the point. */
export function piResult(service: PiService, corrections: number): PiResult {
  const l = service.job;
  const r = l?.result();
  const d = service.certified();
  if (!l || !r || !d) throw new Error('the π job has not finished');
  const spec = l.spec;
  const final = l.final;
  // A failed check is the run's error: its digits are never printed.
  if (final?.kind === 'refuted') throw new Error(final.message);
  if (spec.kernel === 'exact' && !final) throw new Error('the π job has finished but its digits are not certified yet');
  const seconds = ((l.data.finishedAt ?? 0) - l.data.startedAt) / 1000;
  const { launched, finished, failed, lost, retried } = l.counters;
  const s = at200(r, l.scaleBits);
  return {
    terms: l.terms,
    chunks: l.data.chunks.length,
    sum: scaledToFixed(s.sum, 40),
    error_bound: scaledToDecimal(s.eps).toNumber(),
    raw: d.raw.digits,
    raw_decimals: d.raw.decimals,
    corrected: d.corrected.digits,
    corrected_decimals: d.corrected.decimals,
    corrections,
    seconds,
    terms_per_second: seconds > 0 ? l.terms / seconds : 0,
    tasks: { launched, finished, failed, lost, retried },
    ...(spec.kernel === 'exact' &&
      final && { digits: { certified: final.digits, decimals: final.decimals, bits: spec.bits, corrections: spec.corrections, bbp: final.bbp } }),
  };
}

function human(r: PiResult, kernel: string): string {
  const line = (what: string, c: Certified, of: string) => `${what.padEnd(10)}${c.digits || '(none)'}  (${c.decimals} decimals certified: ${of})`;
  const t = r.tasks;
  return [
    `π from ${r.terms} terms (${kernel}) in ${r.chunks} chunks`,
    `${'S_N'.padEnd(10)}${r.sum}  ± ${r.error_bound.toExponential(2)}`,
    line('raw', { digits: r.raw, decimals: r.raw_decimals }, 'the partial sum S_N'),
    line('corrected', { digits: r.corrected, decimals: r.corrected_decimals }, `S_N with ${r.corrections} Euler corrections`),
    ...(r.digits
      ? [
          `${'digits'.padEnd(10)}${r.digits.decimals} decimals certified (exact chunks at ${r.digits.bits} bits, ${r.digits.corrections} Euler corrections), ending …${latestDigits(r.digits.certified, 30)}; BBP agrees at hexadecimal position ${r.digits.bbp.position}; --json prints them all`,
        ]
      : []),
    `${r.seconds.toFixed(2)} s, ${(r.terms_per_second / 1e6).toFixed(1)} M terms/s; tasks ${t.launched} launched, ${t.finished} finished, ${t.failed} failed, ${t.lost} lost, ${t.retried} retried`,
  ].join('\n');
}

/** Whole numbers in plain or exponent form ("100000000", "1e8"), even, within the ledger's range. */
export function termsOption(value: string): number {
  const n = Number(value);
  if (!/^\s*[0-9.e+]+\s*$/i.test(value) || !Number.isSafeInteger(n) || n < MIN_JOB_TERMS || n > MAX_JOB_TERMS) {
    throw new UsageError(`--terms is "${value}"; give a whole number from 1e6 to 1e15, e.g. 1e9`);
  }
  if (n % 2 !== 0) throw new UsageError(`--terms is ${n}; chunks pair terms, so give an even number such as ${n + 1}`);
  return n;
}

export interface PiCommandDeps {
  /** The executor bundle to serve; tests pass one built from the sources. */
  bundle?: () => ExecutorBundle;
  /** Where the progress line goes, if it is a terminal; process.stderr unless a test passes its own. */
  stderr?: ProgressStream;
}

/** What one run of the `pi` command asks for; the flags' values, checked. */
export interface PiRunOptions {
  masters?: string[];
  terms?: number;
  kernel?: KernelName;
  httpPort?: number;
  connectMs: number;
  json: boolean;
  /** A job asked for by digits (N, K, P as a planner chose them) instead of one of terms and kernel. */
  digits?: DigitsSpec;
}

/** Runs one job to its end on a one-shot framework and prints its result; the command's body, for callers that build the options themselves. */
export async function runPi(ctx: CommandContext, deps: PiCommandDeps, o: PiRunOptions): Promise<void> {
  const { masters, terms, httpPort, connectMs } = o;
  const config = ctx.config();
  const kernel = o.kernel ?? config.pi.kernel;
  let finish: (err?: Error) => void = () => undefined;
  const ended = new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve())));
  const stderr = deps.stderr ?? process.stderr;
  let host: PiHost | undefined;
  const progress = wantsProgress(stderr) ? new ProgressLine(stderr, () => host!.service.view(Date.now())) : null;
  const log = progress ? progress.around(ctx.log) : ctx.log;
  host = await startPi({ config, log, masters, terms, kernel, httpPort, oneShot: true, bundle: deps.bundle?.(), onDone: () => finish() });
  const started = Date.now();
  const interrupted = () => finish(new Error('interrupted; the framework was torn down and its tasks killed'));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  // Until the first SUBSCRIBED, a master that never answers (or refuses us) ends the run with its reason.
  const watch = setInterval(() => {
    // A job paused on failures ends the run with why, and what to fix.
    const paused = host.service.paused;
    if (paused) finish(new Error(paused));
    const s = host.service.connection;
    if (s.phase !== 'subscribed' && s.frameworkId === undefined && Date.now() - started > connectMs) {
      finish(new Error(`no master accepted the framework within ${connectMs / 1000} s: ${s.lastError ?? 'no answer'}`));
    }
  }, 200);
  try {
    if (!o.digits) host.start();
    else {
      try {
        host.service.startDigits(o.digits);
      } catch (err) {
        throw err instanceof LedgerError ? new UsageError(`the digits job cannot run: ${err.message}`) : err;
      }
    }
    progress?.start();
    await ended;
    progress?.stop();
    const result = piResult(host.service, config.pi.corrections);
    ctx.out(o.json ? JSON.stringify(result) : human(result, o.digits ? 'exact' : kernel));
  } finally {
    progress?.stop();
    clearInterval(watch);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await host.stop();
  }
}

export function registerPi(program: Command, ctx: CommandContext, deps: PiCommandDeps = {}): void {
  program
    .command('pi')
    .description('compute π on the cluster as a one-shot Mesos framework, and print the result when done')
    .option('--master <url>', 'a master URL, e.g. http://10.0.0.2:5050 (default: the configured masters)')
    .option('--terms <n>', 'terms of the Leibniz series, from 1e6 to 1e15 (default: pi.terms; with --digits, fixes N)')
    .option('--digits <d>', 'certify this many decimals: N, K and the precision are planned for the cluster (default: pi.digits)')
    .option('--kernel <name>', `chunk kernel: ${KERNEL_NAMES.join(' or ')} (default: pi.kernel)`)
    .option('--http-port <p>', 'port that serves the executor to the agents (default: any free one, so that pi runs beside the daemon)')
    .option('--connect-timeout <s>', 'give up when no master accepts the framework for this long', '30')
    .option('--json', 'print one JSON object')
    .action(async (opts: { master?: string; terms?: string; digits?: string; kernel?: string; httpPort?: string; connectTimeout: string; json?: boolean }) => {
      const masters = opts.master !== undefined ? [masterOption('--master', opts.master)] : undefined;
      const terms = opts.terms !== undefined ? termsOption(opts.terms) : undefined;
      // --digits, or pi.digits when no flag asks for a job by terms.
      const config = ctx.config();
      const wanted = opts.digits !== undefined ? opts.digits : terms === undefined && opts.kernel === undefined ? config.pi.digits : null;
      const digits = wanted !== null ? digitsOption(wanted) : undefined;
      if (digits !== undefined && opts.kernel !== undefined) throw new UsageError('--kernel does not go with --digits: a digits job sums exactly; drop one of them');
      if (opts.kernel !== undefined && !(KERNEL_NAMES as readonly string[]).includes(opts.kernel)) {
        throw new UsageError(`--kernel is "${opts.kernel}"; use ${KERNEL_NAMES.join(' or ')}`);
      }
      const httpPort = opts.httpPort !== undefined ? intOption('--http-port', opts.httpPort, 0, 65_535) : undefined;
      const connectMs = intOption('--connect-timeout', opts.connectTimeout, 1, 86_400) * 1000;
      // A plan is a DigitsSpec (N, K, P) with its estimates beside them.
      const plan = digits !== undefined ? await planForCluster(config, masters ?? config.masters, digits, terms, ctx.log) : undefined;
      await runPi(ctx, deps, { masters, terms, kernel: opts.kernel as KernelName | undefined, httpPort, connectMs, json: opts.json === true, digits: plan });
    });
}
