// `npm run fuzz`: every input fuzzed with FUZZ_CASES cases (default 10,000), then one table and the
// failures with how to replay each. FUZZ_SEED replays a run, FUZZ_INPUT picks one input, FUZZ_CASE one case.
// Failing inputs are also written to FUZZ_OUT (default ./fuzz-failures) to keep as regression cases.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runSeedFrom } from './fuzz/mutate';
import { describeFailure, formatTable, runTarget, type FuzzRow } from './fuzz/runner';
import { allTargets, tempDir } from './fuzz/targets';

function wholeNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} "${text}" must be a whole number`);
  return n;
}

async function main(): Promise<number> {
  const runSeed = runSeedFrom(process.env);
  const cases = wholeNumber('FUZZ_CASES', 10_000);
  const only = process.env.FUZZ_CASE ? wholeNumber('FUZZ_CASE', 0) : undefined;
  const dir = tempDir('run');
  const rows: FuzzRow[] = [];
  console.log(`fuzz seed ${runSeed} (replay with FUZZ_SEED=${runSeed}), ${only === undefined ? `${cases} cases per input` : `case ${only} only`}`);
  try {
    const targets = allTargets(dir).filter((t) => !process.env.FUZZ_INPUT || t.name === process.env.FUZZ_INPUT);
    if (targets.length === 0) throw new Error(`FUZZ_INPUT "${process.env.FUZZ_INPUT}" names no input`);
    for (const t of targets) {
      const row = await runTarget(t, { cases, runSeed, only });
      rows.push(row);
      console.log(`  ${t.name}: ${row.cases} cases, ${row.failures.length} failures, ${(row.ms / 1000).toFixed(1)} s`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${formatTable(rows)}\n`);
  const failures = rows.flatMap((r) => r.failures);
  if (failures.length > 0) {
    const out = path.resolve(process.env.FUZZ_OUT ?? 'fuzz-failures');
    fs.mkdirSync(out, { recursive: true });
    for (const f of failures.slice(0, 200)) {
      console.log(describeFailure(f));
      fs.writeFileSync(path.join(out, `${f.input}-${f.runSeed}-${f.caseIndex}.bin`), f.bytes);
    }
    console.log(`\n${failures.length} failures; inputs written to ${out}`);
  }
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`fuzz: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
