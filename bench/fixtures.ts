// Where the benches find the repository's fixtures: a bench runs from bench/ (ts-node, jest) or dist/bench/ (npm run bench).
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The path of test/fixtures/mesos/<name>; names the bench and the fixture when it is missing. */
export function mesosFixture(bench: string, name: string): string {
  for (const up of ['..', '../..']) {
    const p = path.resolve(__dirname, up, 'test/fixtures/mesos', name);
    if (existsSync(p)) return p;
  }
  throw new Error(`bench/${bench}: ${name} not found in test/fixtures/mesos`);
}
