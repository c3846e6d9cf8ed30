import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package version, read from package.json at the package root (works from src/ and from dist/src/). */
function readVersion(): string {
  for (const dir of [path.resolve(__dirname, '..'), path.resolve(__dirname, '../..')]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mesos-panel' && pkg.version) return pkg.version;
    } catch {
      // not this directory
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
