// `npm run chaos`: randomized fault schedules against the simulated cluster with the daemon as a real process
// (scripts/chaos/), then one table. CHAOS_SEED (or --seed) replays a run, CHAOS_SCHEDULES (--schedules) sets
// how many, CHAOS_TERMS (--terms) the job size, CHAOS_DIGITS (--digits) and CHAOS_DIGITS_TERMS (--digits-terms)
// the digits job of every third schedule (runsDigits); a failing schedule replays alone with its own seed and
// --schedules 1.
import { join } from 'node:path';
import { executorBundle } from '../src/pi/executor-bundle';
import { digitsChaosJob, formatChaos, faultText, jobText, runChaos } from './chaos/chaos-run';

function setting(flag: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(`--${flag}`);
  const text = i >= 0 ? process.argv[i + 1] : process.env[env];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${flag} (${env}) is "${text}"; give a whole number`);
  return n;
}

const AGENTS = 3;

/** About 25 chunks a job, none under 1e6 terms. */
const chunkOf = (terms: number): number => Math.max(1e6, Math.round(terms / 25 / 2) * 2);

async function main(): Promise<number> {
  const seed = setting('seed', 'CHAOS_SEED', Math.floor(Math.random() * 1e6));
  const schedules = setting('schedules', 'CHAOS_SCHEDULES', 100);
  const terms = setting('terms', 'CHAOS_TERMS', 1e8);
  const decimals = setting('digits', 'CHAOS_DIGITS', 10_000);
  const digitsTerms = setting('digits-terms', 'CHAOS_DIGITS_TERMS', 1e8);
  const chunkTerms = chunkOf(terms);
  const digitsJob = digitsChaosJob(decimals, digitsTerms, chunkOf(digitsTerms), AGENTS);
  const d = digitsJob.digits!;
  console.log(
    `chaos seed ${seed} (replay with CHAOS_SEED=${seed}), ${schedules} schedules, ${terms} terms in chunks of ${chunkTerms}; ` +
      `every third by digits: ${decimals} decimals from ${digitsTerms} terms (K = ${d.corrections}, P = ${d.bits} bits) in chunks of ${digitsJob.chunkTerms}`,
  );
  const results = await runChaos({
    seed,
    schedules,
    job: { terms, chunkTerms, kernel: 'precise' },
    digitsJob,
    // A digits job of 1e8 terms at 33,282 bits took 74 s on a loaded 2-core machine; faults add to that.
    timeoutMs: 300_000,
    agents: AGENTS,
    script: { path: join(__dirname, 'chaos', 'daemon-child.js') },
    bundle: executorBundle(),
    onResult: (r, i) => console.log(`  ${i + 1}/${schedules} seed ${r.seed}, ${jobText(r)}: ${faultText(r.faults)}: ${r.violations.length === 0 ? 'held' : 'FAILED'} (${r.seconds.toFixed(1)} s)`),
  });
  console.log(`\n${formatChaos(results)}\n`);
  const failed = results.filter((r) => r.violations.length > 0);
  for (const r of failed) {
    console.log(`seed ${r.seed} (replay: CHAOS_SEED=${r.seed} CHAOS_SCHEDULES=1 CHAOS_TERMS=${terms} CHAOS_DIGITS=${decimals} CHAOS_DIGITS_TERMS=${digitsTerms}):\n  ${r.violations.join('\n  ')}\n--- daemon log tail ---\n${r.log?.slice(-4000) ?? ''}`);
  }
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`chaos: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
