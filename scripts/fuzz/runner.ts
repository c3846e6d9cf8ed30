// Runs one fuzz target for a number of cases and sorts every case into accepted, refused with a typed
// error, or failed (an untyped error, a message that is not one line, a broken invariant, or a hang).
import { caseSeed, rng, type Mutation } from './mutate';
import { InvariantError, type FuzzTarget } from './targets';

/** A case slower than this counts as a hang. */
export const CASE_BUDGET_MS = 2000;
/** Longest refusal message that still reads as one line on a terminal or in the journal. */
const MAX_MESSAGE = 600;
/** For inputs that list one problem per line: more than this is a flood, not a report. */
const MAX_LINES = 12;
/** What V8 says for a bug in our code, as opposed to a check naming bad input. */
const ENGINE_WORDS = /Cannot read properties|Cannot set properties|is not a function|is not iterable|Maximum call stack|Invalid array length|Invalid string length|is not defined/;

export interface FuzzFailure {
  input: string;
  caseIndex: number;
  /** Replays this case alone: FUZZ_SEED=<runSeed> FUZZ_INPUT=<input> FUZZ_CASE=<caseIndex>. */
  runSeed: number;
  why: string;
  ops: string[];
  bytes: Buffer;
}

export interface FuzzRow {
  input: string;
  cases: number;
  typed: number;
  accepted: number;
  failures: FuzzFailure[];
  seed: number;
  ms: number;
}

class Hang extends Error {}

const ACCEPTED = 'accepted';
const TYPED = 'typed';

function withBudget<T>(value: T | Promise<T>, ms: number): Promise<T> {
  if (!(value instanceof Promise)) return Promise.resolve(value);
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Hang(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([value, budget]).finally(() => clearTimeout(timer));
}

/** Why a thrown value is not a clean refusal, or null when it is one. */
export function refusalProblem(target: FuzzTarget, err: unknown): string | null {
  if (!(err instanceof Error)) return `threw a non-Error: ${String(err).slice(0, 100)}`;
  const head = `${err.name}: ${err.message.slice(0, 200).replace(/\n/g, '\\n')}`;
  if (err instanceof InvariantError) return head;
  if (!target.typed.some((c) => err instanceof c)) return `untyped ${head}`;
  // A typed error that only rewraps the engine's words hides the same bug (parseLedger wraps what restore throws).
  if (ENGINE_WORDS.test(err.message)) return `typed error wrapping an internal one: ${head}`;
  const lines = err.message.split('\n');
  if (err.message.trim() === '') return `${err.name} with an empty message`;
  if (lines.length > (target.multiLine ? MAX_LINES : 1)) return `message is ${lines.length} lines: ${head}`;
  const long = lines.find((l) => l.length > MAX_MESSAGE);
  if (long) return `message line of ${long.length} characters: ${head}`;
  return null;
}

export interface RunOptions {
  cases: number;
  runSeed: number;
  /** Only this case (replay). */
  only?: number;
  budgetMs?: number;
}

/** One case from its seed: what happened and how long it took. */
async function runCase(target: FuzzTarget, runSeed: number, index: number, budget: number): Promise<{ outcome: string; ms: number; m: Mutation }> {
  const r = rng(caseSeed(runSeed, target.name, index));
  const m = target.mutate(r);
  const t0 = Date.now();
  let outcome: string;
  try {
    const result = await withBudget(target.run(m.bytes, r), budget);
    const wrong = target.check?.(result) ?? null;
    outcome = wrong ? `accepted, but ${wrong}` : ACCEPTED;
  } catch (err) {
    outcome = err instanceof Hang ? `hang: ${err.message}` : refusalProblem(target, err) ?? TYPED;
  }
  return { outcome, ms: Date.now() - t0, m };
}

export async function runTarget(target: FuzzTarget, o: RunOptions): Promise<FuzzRow> {
  const row: FuzzRow = { input: target.name, cases: 0, typed: 0, accepted: 0, failures: [], seed: o.runSeed, ms: 0 };
  const budget = o.budgetMs ?? CASE_BUDGET_MS;
  const began = Date.now();
  const first = o.only ?? 0;
  const last = o.only ?? o.cases - 1;
  for (let i = first; i <= last; i++) {
    row.cases++;
    let c = await runCase(target, o.runSeed, i, budget);
    // A synchronous target cannot be interrupted, so its hang shows as a case over budget. A slow case is
    // run once more, alone, so a pause of the machine (GC, other work on shared cores) is not a hang.
    if (c.ms > budget) {
      const again = await runCase(target, o.runSeed, i, budget);
      c = again.ms > budget ? { ...again, outcome: `hang: took ${c.ms} ms, then ${again.ms} ms` } : again;
    }
    const { outcome, m } = c;
    if (outcome === ACCEPTED) row.accepted++;
    else if (outcome === TYPED) row.typed++;
    else row.failures.push({ input: target.name, caseIndex: i, runSeed: o.runSeed, why: outcome, ops: m.ops, bytes: m.bytes });
  }
  row.ms = Date.now() - began;
  return row;
}

export function formatTable(rows: FuzzRow[]): string {
  const header = ['input', 'cases', 'typed errors', 'accepted', 'failures', 'seed', 'seconds'];
  const cells = rows.map((r) => [r.input, String(r.cases), String(r.typed), String(r.accepted), String(r.failures.length), String(r.seed), (r.ms / 1000).toFixed(1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...cells.map(line)].join('\n');
}

export function describeFailure(f: FuzzFailure): string {
  const preview = f.bytes.subarray(0, 160).toString('utf8').replace(/[\x00-\x1f]/g, '.');
  return `${f.input} case ${f.caseIndex}: ${f.why}\n  replay: FUZZ_SEED=${f.runSeed} FUZZ_INPUT=${f.input} FUZZ_CASE=${f.caseIndex}\n  ops: ${f.ops.join(' ').slice(0, 200)}\n  input (${f.bytes.length} bytes): ${preview}`;
}
