import * as fs from 'node:fs';
import { errorLine } from '../lib/error-line';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG, resolveConfig } from '../config';
import { NoneBackend } from '../hw/button/backend';
import { boxSize, fitRendering, TerminalDisplay, type Room } from '../hw/terminal';
import { createLogger } from '../log';
import type { ExecutorBundle } from '../pi/executor-bundle';
import { geometryOf, SIZES, type SizeName } from '../panel/frame';
import { startSimCluster } from '../sim';
import type { CommandContext } from './context';
import { startPanel, type PanelHost } from '../app/panel-host';
import { startPi } from '../app/pi-host';
import { intOption, sizeOption } from './options';

const KEYS = 'keys: n or space = next screen, s = start π, r = reset π, q = quit';
/** Under the panel: the keys line and at least one log line. */
const FOOTER_ROWS = 2;
/** Log lines kept for the footer; a tall terminal shows more of them. */
const KEEP_LOG_LINES = 50;
/**
 * The job the demo starts by itself: 2e10 terms ran 100-120 s at full load on two cores; a fifth of that shows
 * a job's whole life (first offers, chunks sized to the agents' speed, the certified digits growing, the end)
 * in about half a minute there, and sooner on a laptop with more cores.
 */
const DEMO_TERMS = 4e9;

/**
 * The panel size for this terminal: the largest size whose readable rendering fits with the footer under it, and a
 * line saying so when that is smaller than the default. Nothing to choose when stdout is not a terminal.
 */
export function pickSize(room: Room | null): { size: SizeName; note: string | null } {
  const [first] = SIZES;
  if (!room) return { size: first, note: null };
  const panelRoom = { cols: room.cols, rows: room.rows - FOOTER_ROWS };
  const size = SIZES.find((s) => fitRendering(geometryOf(s), panelRoom)) ?? SIZES[SIZES.length - 1];
  if (size === first) return { size, note: null };
  const need = boxSize(geometryOf(first), 'half');
  const what = geometryOf(size).kind === 'chars' ? `${size} LCD` : `${size} panel`;
  return { size, note: `this terminal is ${room.cols}x${room.rows}: showing the ${what} (the ${first} panel needs ${need.cols}x${need.rows + FOOTER_ROWS}; --size chooses)` };
}

/** The keys, the size note, then as many of the latest log lines as the room under the panel holds. */
export function footerLines(room: Room, note: string | null, log: readonly string[]): string[] {
  const fixed = note ? [KEYS, note] : [KEYS];
  const n = Math.max(0, room.rows - fixed.length);
  return [...fixed, ...(n > 0 ? log.slice(-n) : [])].slice(0, room.rows);
}

/** In a terminal, keys stand in for the button: the same actions a short or long press would take. */
function listenToKeys(host: PanelHost, quit: () => void): () => void {
  const stdin = process.stdin;
  if (!stdin.isTTY) return () => {};
  stdin.setRawMode(true);
  stdin.resume();
  const onData = (data: Buffer) => {
    const key = data.toString();
    if (key === 'q' || key === '\u0003') quit();
    else if (key === 'n' || key === ' ') host.daemon.act({ type: 'next' });
    else if (key === 's') host.daemon.act({ type: 'start' });
    else if (key === 'r') host.daemon.act({ type: 'reset' });
  };
  stdin.on('data', onData);
  return () => {
    stdin.off('data', onData);
    stdin.setRawMode(false);
    stdin.pause();
  };
}

export interface DemoDeps {
  /** The executor bundle to serve; tests pass one built from the sources. */
  bundle?: () => ExecutorBundle;
}

export function registerDemo(program: Command, _ctx: CommandContext, deps: DemoDeps = {}): void {
  program
    .command('demo')
    .description('the panel on a simulated cluster, drawn in this terminal and served to a browser (what npm start runs)')
    .option('--agents <n>', 'number of simulated agents', '4')
    .option('--seconds <s>', 'stop after this many seconds (0: run until q or Ctrl-C)', '0')
    .option('--size <WxH>', `display to imitate: ${SIZES.join(', ')} (default: the largest that fits this terminal)`)
    .action(async (opts: { agents: string; seconds: string; size?: string }) => {
      const tty = process.stdout.isTTY === true;
      const picked = pickSize(tty ? { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 } : null);
      const size = opts.size === undefined ? picked.size : sizeOption('--size', opts.size);
      const note = opts.size === undefined ? picked.note : null;
      const agents = intOption('--agents', opts.agents, 1, 32);
      const seconds = intOption('--seconds', opts.seconds, 0, 86_400);
      const cluster = await startSimCluster({ agents });
      // The demo is the daemon with its sources pointed at the simulator; only the glass and the button differ.
      const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesos-panel-demo-'));
      const config = resolveConfig([
        {
          source: 'demo',
          values: {
            masters: [cluster.url],
            pollIntervalMs: 1000,
            screens: { ...DEFAULT_CONFIG.screens, autoCycleSeconds: 8 },
            stateDir,
            http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' },
            pi: { ...DEFAULT_CONFIG.pi, terms: DEMO_TERMS, autoStart: true, nodePath: process.execPath, user: os.userInfo().username },
          },
        },
      ]);
      // On a terminal the log goes under the drawing rather than through it, so the redraw in place stays in place.
      const recent: string[] = [];
      const keep = (line: string): void => {
        recent.push(line.trimEnd());
        if (recent.length > KEEP_LOG_LINES) recent.splice(0, recent.length - KEEP_LOG_LINES);
      };
      const log = createLogger({ journal: false, sink: { write: (line) => (tty ? keep(line) : process.stderr.write(line)) } });
      const host = await startPanel({
        config,
        log,
        pi: (http) => {
          // Before the terminal takes the screen, so the line stays readable above it and after it.
          process.stderr.write(`the panel in a browser: ${http.url('/', '127.0.0.1')}\n`);
          process.stderr.write(`the dashboard for a projector: ${http.url('/dashboard', '127.0.0.1')}\n`);
          return startPi({ config, log, http, bundle: deps.bundle?.() });
        },
        display: new TerminalDisplay(geometryOf(size), { footer: (room) => (tty ? footerLines(room, note, recent) : []) }),
        button: new NoneBackend(),
      });
      await new Promise<void>((resolve) => {
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          stopKeys();
          // Each step runs whatever the one before did, so the executors and the temp folder go in any case.
          void host
            .stop('blank')
            .catch((err: unknown) => log.error(`demo: stopping the panel: ${errorLine(err)}`))
            .then(() => cluster.close())
            .catch((err: unknown) => log.error(`demo: stopping the simulated cluster: ${errorLine(err)}`))
            .then(() => fs.rmSync(stateDir, { recursive: true, force: true }))
            .finally(resolve);
        };
        const stopKeys = listenToKeys(host, finish);
        if (seconds > 0) setTimeout(finish, seconds * 1000).unref();
        // SIGHUP: the terminal window was closed; the cluster's executors and temp folders must still go.
        for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, finish);
      });
    });
}
