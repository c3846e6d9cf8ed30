// Compiles one C file of bench/c for a bench area, into a temporary directory the caller removes.
// No `run` export, so bench/index.ts does not take it for an area.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Compiled {
  exe: string | null;
  /** The compiler line, or why the C side is skipped. */
  note: string;
  cleanup: () => void;
}

/** The C source is in bench/c; from the compiled dist/bench it is two levels up, or under the cwd. */
function findSource(file: string): string | null {
  const candidates = [__dirname, path.join(__dirname, '..', '..', 'bench'), path.join(process.cwd(), 'bench')];
  for (const p of candidates.map((d) => path.join(d, 'c', file))) {
    if (fs.existsSync(p)) return p;
  }
  return null;
}

/** cc -O2 `flags` bench/c/`file` `libs`; a missing compiler, source or library skips the C side with a note. */
export function compileC(file: string, flags: string[], libs: string[]): Compiled {
  const src = findSource(file);
  const none = { exe: null, cleanup: () => {} };
  if (!src) return { ...none, note: `bench/c/${file} not found; C comparison skipped` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-c-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  const exe = path.join(dir, path.basename(file, '.c'));
  try {
    execFileSync('cc', ['-O2', ...flags, '-o', exe, src, ...libs], { stdio: 'pipe' });
    return { exe, note: ['cc -O2', ...flags, ...libs].join(' '), cleanup };
  } catch (err) {
    cleanup();
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') return { ...none, note: 'no cc on this machine; C comparison skipped' };
    const why = (e.stderr?.toString() ?? e.message).split('\n').find((l) => l.trim()) ?? e.message;
    return { ...none, note: `cc failed (${why.slice(0, 80)}); C comparison skipped` };
  }
}
