// The demo in a real terminal: tmux runs `mesos-panel demo` in a detached session of a given size, and the
// screen and its scrollback are read back with capture-pane. The panel must be drawn once, in place, wholly
// visible, and the terminal must be given back as it was when the demo ends.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_PATH, transpileTree, until } from '../pi/pi-harness';

const REPO = join(__dirname, '../..');

describe('the demo in tmux', () => {
  let dir: string;
  let cli: string;
  let socket: string;
  let sessions = 0;

  const tmux = (...args: string[]): string => {
    try {
      return execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('tmux is missing: the terminal tests need it (apt-get install tmux)');
      throw err;
    }
  };
  /** The whole pane, scrollback included. */
  const capture = (name: string): string[] => tmux('capture-pane', '-p', '-S', '-', '-t', name).replace(/\n+$/, '').split('\n');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mp-tmux-'));
    socket = join(dir, 'tmux.sock');
    const out = join(dir, 'app');
    cli = transpileTree(join(REPO, 'src/cli.ts'), out);
    transpileTree(join(REPO, 'src/pi/executor-main.ts'), out);
    symlinkSync(join(REPO, 'fonts'), join(out, 'fonts'));
    // The web face's page, which the demo serves too, is read from the package as the fonts are.
    symlinkSync(join(REPO, 'src/web/page'), join(out, 'src/web/page'));
  });

  afterAll(() => {
    // Each demo has ended by now (after its --seconds, or on q); this takes the shells that stayed after them.
    try {
      tmux('kill-server');
    } catch {
      // No session was started, or the server ended with its last one.
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the demo in a new session; the shell stays after it, so the screen it leaves can be read. */
  function demo(cols: number, rows: number, args: string): string {
    const name = `demo${++sessions}`;
    const command = `NODE_PATH=${NODE_PATH} ${process.execPath} ${cli} demo --agents 2 ${args}; echo "demo exited $?"; sleep 600`;
    tmux('new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), command);
    return name;
  }

  async function panelShown(name: string, bottom: RegExp): Promise<string[]> {
    let lines: string[] = [];
    await until(`the panel in ${name}`, () => (lines = capture(name)).some((l) => bottom.test(l)), 40_000);
    return lines;
  }

  it.each([
    [120, 40],
    [80, 24],
  ])('at %ix%i the panel is drawn once, wholly visible, and the terminal is given back at the end', async (cols, rows) => {
    const name = demo(cols, rows, '--seconds 12');
    await panelShown(name, /^└─+┘/);
    // A few redraws later (the demo polls every second), still one panel, and nothing scrolled off.
    await new Promise((r) => setTimeout(r, 3000));
    const lines = capture(name);
    expect(lines.length).toBeLessThanOrEqual(rows);
    expect(lines.filter((l) => l.startsWith('┌')).length).toBe(1);
    expect(lines.filter((l) => l.startsWith('└')).length).toBe(1);
    const top = lines.findIndex((l) => l.startsWith('┌'));
    const bottom = lines.findIndex((l) => l.startsWith('└'));
    // A 20x4 LCD: readable characters, not blocks.
    expect(bottom - top).toBe(5);
    expect(lines[top]).toBe(`┌${'─'.repeat(20)}┐`);
    expect(lines.some((l) => l.startsWith('keys: '))).toBe(true);
    expect(lines.join('\n')).toContain(`this terminal is ${cols}x${rows}: showing the 20x4 LCD`);
    await until('the demo to end', () => capture(name).some((l) => l.startsWith('demo exited')), 40_000);
    const after = capture(name);
    expect(after.find((l) => l.startsWith('demo exited'))).toBe('demo exited 0');
    expect(after.some((l) => /[┌└]/.test(l))).toBe(false);
    expect(tmux('display-message', '-p', '-t', name, '#{alternate_on} #{cursor_flag}').trim()).toBe('0 1');
  }, 90_000);

  it('says in one line what size a panel needs when the terminal is too small for it, follows a resize, ends on q', async () => {
    const name = demo(100, 30, '--size 128x32 --seconds 30');
    await until('the size line', () => capture(name).some((l) => l.startsWith('the 128x32 panel needs a terminal of at least 130x18; this one is 100x30')), 40_000);
    tmux('resize-window', '-t', name, '-x', '140', '-y', '30');
    const lines = await panelShown(name, /^└─{128}┘$/);
    expect(lines.filter((l) => l.startsWith('┌')).length).toBe(1);
    expect(lines.some((l) => l.startsWith('the 128x32 panel needs'))).toBe(false);
    tmux('send-keys', '-t', name, 'q');
    await until('the demo to end on q', () => capture(name).some((l) => l.startsWith('demo exited')), 40_000);
    expect(capture(name).find((l) => l.startsWith('demo exited'))).toBe('demo exited 0');
  }, 90_000);
});
