// Every copied fixture names the licence of the repository it came from.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, 'fixtures/mesos');

describe('fixture licences', () => {
  const licences = readFileSync(join(DIR, 'LICENSES.md'), 'utf8');
  const sources = readFileSync(join(DIR, 'SOURCES.md'), 'utf8');

  it('name every copied file and the recorded real-1.12.0/', () => {
    const unnamed = readdirSync(DIR)
      .filter((f) => !['SOURCES.md', 'LICENSES.md', 'real-1.12.0'].includes(f))
      .filter((f) => !licences.includes(`\`${f}\``));
    expect(unnamed).toEqual([]);
    expect(licences).toMatch(/`real-1\.12\.0\/`.*Apache Mesos/s);
  });

  it('give a licence, or "not stated", for every repository SOURCES.md names', () => {
    // The second column of SOURCES.md's table, e.g. "dcos/dcos-ui (ex mesosphere/dcos-ui)".
    const repos = sources
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => l.split('|')[2].trim().split(' ')[0]);
    expect(repos.length).toBeGreaterThan(5);
    for (const repo of new Set(repos)) {
      const row = licences.split('\n').find((l) => l.startsWith(`| ${repo} |`));
      expect([repo, row?.split('|')[2]]).toEqual([repo, expect.stringMatching(/Apache-2\.0|BSD-3-Clause|MIT|not stated/)]);
    }
  });
});
