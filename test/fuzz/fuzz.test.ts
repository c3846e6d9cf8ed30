// The short fuzz run for CI: 500 cases per input (FUZZ_CASES to change), a fresh seed each run unless
// FUZZ_SEED is set. The seed is printed; a failure prints its replay line. `npm run fuzz` is the full run.
import * as fs from 'node:fs';
import { runSeedFrom } from '../../scripts/fuzz/mutate';
import { describeFailure, formatTable, runTarget, type FuzzRow } from '../../scripts/fuzz/runner';
import { allTargets, tempDir } from '../../scripts/fuzz/targets';

const CASES = Number(process.env.FUZZ_CASES || 500);
const runSeed = runSeedFrom(process.env);
const dir = tempDir('ci');
const targets = allTargets(dir);
const rows: FuzzRow[] = [];

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`fuzz seed ${runSeed} (replay with FUZZ_SEED=${runSeed})\n${formatTable(rows)}\n`);
});

describe(`fuzz, ${CASES} cases per input, seed ${runSeed}`, () => {
  test.each(targets.map((t) => [t.name, t] as const))('%s: no failures', async (_name, target) => {
    // Other test files share the 2 cores: a case gets 5 s here before it counts as a hang (2 s in npm run fuzz).
    const row = await runTarget(target, { cases: CASES, runSeed, budgetMs: 5000 });
    rows.push(row);
    expect(row.cases).toBe(CASES);
    // Both outcomes occur, so the mutations reach past the first check and the refusals are real. (The
    // rarest, accepted config-env cases, are about 3%: at 500 cases none would be a 1-in-10^6 event.)
    if (CASES >= 500) {
      expect(row.typed).toBeGreaterThan(0);
      expect(row.accepted).toBeGreaterThan(0);
    }
    expect(row.failures.map(describeFailure)).toEqual([]);
    // A hang is judged per case, by the budget above; the whole target (cli-render spawns a process per case)
    // may take a minute on a loaded machine.
  }, 180_000);
});
