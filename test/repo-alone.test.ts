// The repository stands alone: no source, test, bench or script reads a file outside it (a fresh clone has
// nothing beside it). The fixtures the project uses live in test/fixtures/mesos, with their provenance.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const REPO = join(__dirname, '..');
const ROOTS = ['src', 'test', 'bench', 'scripts', '.ci'];
const SOURCE = /\.(ts|js|sh|json)$|^run$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : files(p);
    return SOURCE.test(name) ? [p] : [];
  });
}

describe('the repository stands alone', () => {
  it('reads no fixture or reference material from outside the checkout', () => {
    const offenders = ROOTS.flatMap((r) => files(join(REPO, r)))
      .filter((f) => /\.\.\/shared\b|shared\/(fixtures|reference)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(REPO, f));
    // This file names the pattern it looks for, and is the one allowed to.
    expect(offenders.filter((f) => f !== 'test/repo-alone.test.ts')).toEqual([]);
  });

  it('keeps every fixture with its provenance', () => {
    const sources = readFileSync(join(REPO, 'test/fixtures/mesos/SOURCES.md'), 'utf8');
    const missing = readdirSync(join(REPO, 'test/fixtures/mesos'))
      .filter((f) => f !== 'SOURCES.md' && f !== 'LICENSES.md' && f !== 'real-1.12.0')
      .filter((f) => !sources.includes(f));
    expect(missing).toEqual([]);
    expect(readFileSync(join(REPO, 'test/fixtures/mesos/real-1.12.0/README.md'), 'utf8').length).toBeGreaterThan(0);
  });
});
