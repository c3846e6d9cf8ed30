import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG, resolveConfig } from '../config';
import { NoneBackend } from '../hw/button/backend';
import { TerminalDisplay } from '../hw/terminal';
import { createLogger } from '../log';
import type { ExecutorBundle } from '../pi/executor-bundle';
import { geometryOf, SIZES } from '../panel/frame';
import { startSimCluster } from '../sim';
import type { CommandContext } from './context';
import { startPanel, type PanelHost } from './panel-host';
import { startPi } from './pi';
import { intOption, sizeOption } from './options';

const KEYS = 'keys: n or space = next screen, s = start π, r = reset π, q = quit';

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
    .option('--size <WxH>', `display to imitate: ${SIZES.join(', ')}`, '128x64')
    .action(async (opts: { agents: string; seconds: string; size: string }) => {
      const size = sizeOption('--size', opts.size);
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
            // The demo starts a job by itself, sized to converge in a minute or two on a laptop's spare cores.
            pi: { ...DEFAULT_CONFIG.pi, terms: 2e10, autoStart: true, taskCpus: 2, nodePath: process.execPath, user: os.userInfo().username },
          },
        },
      ]);
      // Log lines go under the drawing rather than through it, so the redraw in place stays in place.
      const recent: string[] = [];
      const log = createLogger({ journal: false, sink: { write: (line) => void recent.splice(0, Math.max(0, recent.length - 3), line.trimEnd()) } });
      const geometry = geometryOf(size);
      const columns = process.stdout.columns ?? 80;
      const host = await startPanel({
        config,
        log,
        pi: (http) => {
          // Before the first drawing, so the line stays above the panel the terminal redraws in place.
          process.stderr.write(`the panel in a browser: ${http.url('/', '127.0.0.1')}\n`);
          return startPi({ config, log, http, bundle: deps.bundle?.() });
        },
        display: new TerminalDisplay(geometry, {
          compact: geometry.kind === 'pixels' && columns < geometry.width + 2,
          footer: () => [KEYS, ...recent],
        }),
        button: new NoneBackend(),
      });
      await new Promise<void>((resolve) => {
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          stopKeys();
          void host
            .stop('blank')
            .then(() => cluster.close())
            .then(() => fs.rmSync(stateDir, { recursive: true, force: true }))
            .finally(resolve);
        };
        const stopKeys = listenToKeys(host, finish);
        if (seconds > 0) setTimeout(finish, seconds * 1000).unref();
        process.once('SIGINT', finish);
        process.once('SIGTERM', finish);
      });
    });
}
