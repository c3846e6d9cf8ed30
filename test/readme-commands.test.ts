// The README's commands table says what the CLI does: every command it lists exists with every flag it shows,
// and every command of the CLI is in the table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli';
import { DEFAULT_CONFIG } from '../src/config';
import { memoryLogger } from '../src/log';

const README = readFileSync(join(__dirname, '../README.md'), 'utf8');

/** The first cell of each row of the "## Commands" table: the commands as the README writes them. */
function commandCells(): string[] {
  const section = README.slice(README.indexOf('\n## Commands'));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  return table
    .split('\n')
    .filter((l) => l.startsWith('| `mesos-panel'))
    .map((l) => l.replace(/\\\|/g, '/').split('|')[1]);
}

describe('the README commands table', () => {
  const program = buildProgram({ config: () => DEFAULT_CONFIG, out: () => undefined, log: memoryLogger(), configFile: () => undefined });
  const byName = new Map<string, Command>(program.commands.map((c) => [c.name(), c]));
  const global = new Set(program.options.map((o) => o.long));

  it('lists every command of the CLI', () => {
    const listed = new Set(commandCells().flatMap((cell) => [...cell.matchAll(/`(?:mesos-panel )?([a-z-]+)/g)].map((m) => m[1])));
    expect([...byName.keys()].filter((name) => !listed.has(name))).toEqual([]);
  });

  it('shows only commands and flags that exist', () => {
    const problems: string[] = [];
    for (const cell of commandCells()) {
      for (const [, code] of cell.matchAll(/`([^`]+)`/g)) {
        const words = code.replace(/^mesos-panel /, '').split(/\s+/);
        const cmd = byName.get(words[0]);
        if (!cmd) {
          problems.push(`${code}: no command ${words[0]}`);
          continue;
        }
        const flags = new Set(cmd.options.map((o) => o.long));
        for (const [flag] of code.matchAll(/--[a-z][a-z0-9-]*/g)) if (!flags.has(flag) && !global.has(flag)) problems.push(`${code}: ${words[0]} has no ${flag}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
