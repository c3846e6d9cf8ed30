// The README's configuration table and the example file against the configuration the program really has.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CONFIG, leaves, resolveConfig } from '../../src/config';
import { readConfigFile } from '../../src/config-load';

const ROOT = path.resolve(__dirname, '../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = README.slice(README.indexOf('## Configuration\n'), README.indexOf('\n## ', README.indexOf('## Configuration\n') + 1));

/**
 * The keys the table names. A row may list several: `burnIn.shiftEverySeconds`, `dimAfterMinutes` means
 * burnIn.dimAfterMinutes, a bare name taking the prefix of the first dotted name in its row.
 */
function tableKeys(): string[] {
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .flatMap((l) => {
      const names = [...l.split('|')[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      const prefix = names[0].includes('.') ? names[0].slice(0, names[0].lastIndexOf('.') + 1) : '';
      return names.map((n) => (n.includes('.') ? n : prefix + n));
    });
}

describe('the README configuration table', () => {
  const keys = leaves(DEFAULT_CONFIG).map(([k]) => k);

  it('names every key the config has', () => {
    expect(keys.filter((k) => !tableKeys().includes(k))).toEqual([]);
  });

  it('names no key the config does not have, and none twice', () => {
    expect(tableKeys().filter((k) => !keys.includes(k))).toEqual([]);
    expect(new Set(tableKeys()).size).toBe(tableKeys().length);
  });

  it('sends readers to `mesos-panel config`, which shows every value, not to install --dry-run', () => {
    expect(section).toContain('`mesos-panel config`');
    expect(section).not.toContain('install --dry-run');
  });
});

describe('config.example.json', () => {
  const file = path.join(ROOT, 'config.example.json');

  it('is valid, and differs from the defaults in what a real install sets', () => {
    const layer = readConfigFile(file, true);
    const config = resolveConfig(layer ? [layer] : []);
    expect(config.masters).toHaveLength(3);
    expect(config.display.address).toBe(0x3c);
    expect(config.http.advertiseHost).not.toBeNull();
  });

  it('is described in the README and shipped in the package', () => {
    expect(section).toContain('[config.example.json](config.example.json)');
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).files).toContain('config.example.json');
  });
});
