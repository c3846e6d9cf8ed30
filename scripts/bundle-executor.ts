// Writes dist/executor.js, the self-contained executor the daemon serves to the agents.
// Run after the TypeScript build: node dist/scripts/bundle-executor.js [distDir]
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BundleError, executorBundle } from '../src/pi/executor-bundle';

const dist = resolve(process.argv[2] ?? join(__dirname, '..'));
try {
  const bundle = executorBundle({ entry: join(dist, 'src/pi/executor-main.js') });
  const out = join(dist, 'executor.js');
  writeFileSync(out, bundle.bytes, { mode: 0o644 });
  process.stdout.write(`${out}: ${bundle.bytes.length} bytes, sha256 ${bundle.sha256}\n`);
} catch (err) {
  if (!(err instanceof BundleError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
