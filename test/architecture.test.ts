// The rooms of ARCHITECTURE.md, held against the code: every import in src/ that crosses a line the document draws
// fails here, and so does a table in the document that no longer says what ROOMS says.
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');

interface Room {
  /** Folders (ending in /) or files, relative to the repository. */
  where: string[];
  /** The other rooms it may import; a room may always import itself. */
  mayImport: string[];
}

// The same table as ARCHITECTURE.md's "may import" column.
const ROOMS: Record<string, Room> = {
  mesos: { where: ['src/mesos/'], mayImport: ['core', 'lib'] },
  pi: { where: ['src/pi/'], mayImport: ['mesos', 'core', 'lib'] },
  panel: { where: ['src/panel/'], mayImport: ['mesos', 'pi', 'core', 'lib'] },
  hw: { where: ['src/hw/'], mayImport: ['panel', 'core', 'lib'] },
  sim: { where: ['src/sim/'], mayImport: ['hw', 'panel', 'core', 'lib'] },
  app: { where: ['src/app/'], mayImport: ['mesos', 'pi', 'panel', 'hw', 'top', 'core', 'lib'] },
  commands: { where: ['src/commands/'], mayImport: ['app', 'mesos', 'pi', 'panel', 'hw', 'sim', 'top', 'core', 'lib'] },
  top: {
    where: ['src/config.ts', 'src/config-load.ts', 'src/config-hints.ts', 'src/cli-errors.ts', 'src/master-access.ts', 'src/install.ts'],
    mayImport: ['mesos', 'panel', 'hw', 'core', 'lib'],
  },
  entry: { where: ['src/cli.ts'], mayImport: ['commands', 'top', 'core', 'lib'] },
  core: { where: ['src/log.ts', 'src/version.ts'], mayImport: [] },
  lib: { where: ['src/lib/'], mayImport: [] },
};

/** The only production files that may load the simulator: the commands that exist to run it. */
const SIM_USERS = ['src/commands/demo.ts', 'src/commands/sim.ts', 'src/commands/render.ts'];

const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

function roomOf(file: string): string {
  const r = rel(file);
  for (const [name, room] of Object.entries(ROOMS)) {
    if (room.where.some((w) => (w.endsWith('/') ? r.startsWith(w) : r === w))) return name;
  }
  throw new Error(`${r} is in no room of ARCHITECTURE.md: add it to the table there and in ROOMS`);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

// `import … from`, `export … from`, a bare `import '…'`, `import(…)` and `require(…)`.
const IMPORT = /(?:\bfrom\s*|^\s*import\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/gm;

/** The files in src/ that a file imports (packages and node: modules left out). */
function importsOf(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[2];
    if (!spec.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), spec);
    const hit = [`${base}.ts`, path.join(base, 'index.ts'), base].find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
    if (!hit) throw new Error(`${rel(file)} imports ${spec}, which resolves to no file`);
    out.push(hit);
  }
  return out;
}

/** Every import in `files` that crosses a line of ROOMS, as "from -> to (room -> room)". */
function crossings(files: string[], textOf = (file: string): string => fs.readFileSync(file, 'utf8')): string[] {
  const bad: string[] = [];
  for (const file of files) {
    const from = roomOf(file);
    for (const target of importsOf(file, textOf(file))) {
      const to = roomOf(target);
      if (to === from) continue;
      const allowed = ROOMS[from].mayImport.includes(to) && (to !== 'sim' || SIM_USERS.includes(rel(file)));
      if (!allowed) bad.push(`${rel(file)} -> ${rel(target)} (${from} -> ${to})`);
    }
  }
  return bad;
}

/** The rows of ARCHITECTURE.md's room table: room name to the rooms it may import. */
function documentedTable(): Record<string, string[]> {
  const md = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const rows: Record<string, string[]> = {};
  for (const line of md.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | room | where | may import | why |
    if (!line.startsWith('|') || cells.length < 6 || cells[1] === 'room' || cells[1].startsWith('---')) continue;
    rows[cells[1]] = cells[3] === '' ? [] : cells[3].split(',').map((c) => c.trim());
  }
  return rows;
}

describe('the rooms of ARCHITECTURE.md', () => {
  const files = sourceFiles(SRC);

  it('every production file is in a room, and no import crosses a line', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(crossings(files)).toEqual([]);
  });

  it('the document has the same table as this test', () => {
    const documented = documentedTable();
    const data = Object.fromEntries(Object.entries(ROOMS).map(([name, room]) => [name, room.mayImport]));
    expect(documented).toEqual(data);
  });

  it('the document names every command allowed to load the simulator', () => {
    const md = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
    for (const file of SIM_USERS) expect(md).toContain(`\`${file}\``);
  });

  it('the daemon (`run`) never loads the simulator', () => {
    const seen = new Set<string>();
    const queue = [path.join(SRC, 'commands', 'run.ts')];
    while (queue.length) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      queue.push(...importsOf(file));
    }
    const reached = [...seen].map(rel);
    expect(reached).toContain('src/app/daemon.ts');
    expect(reached.filter((f) => f.startsWith('src/sim/'))).toEqual([]);
  });

  it('a crossing is seen: the import reader finds every form of import', () => {
    // A file as it would stand in src/mesos/, read from memory so that nothing is written into src/.
    const probe = path.join(SRC, 'mesos', 'probe.ts');
    const text = [
      "import type { PanelModel } from '../panel/model';",
      "export { Daemon } from '../app/daemon';",
      "const hw = require('../hw/display');",
      "void import('../pi/view');",
      "import '../sim';",
      "import type { ClusterSnapshot } from './snapshot';",
    ].join('\n');
    expect(crossings([probe], () => text).map((c) => c.replace(/^.*\(/, '('))).toEqual([
      '(mesos -> panel)',
      '(mesos -> app)',
      '(mesos -> hw)',
      '(mesos -> pi)',
      '(mesos -> sim)',
    ]);
  });
});
