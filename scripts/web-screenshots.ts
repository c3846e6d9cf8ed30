// The README's pictures of the web face, taken by the tests' browser (Debian's Chromium through puppeteer-core):
// the real panel host against a simulated cluster, a π job running on the 128x64 OLED's π screen, the overview
// on a 20x4 LCD, and the projector dashboard of a π job with one agent's plug pulled. Run `npm run screenshots`
// (it builds first); the pictures are committed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer from 'puppeteer-core';
import { startPanel } from '../src/app/panel-host';
import { startPi, type PiHost } from '../src/app/pi-host';
import { CYCLED_SCREENS, DEFAULT_CONFIG, resolveConfig } from '../src/config';
import { NoneBackend } from '../src/hw/button/backend';
import { NullDisplay } from '../src/hw/null-display';
import { createLogger } from '../src/log';
import { geometryOf, type SizeName } from '../src/panel/frame';
import { startSimCluster } from '../src/sim';

const OUT = path.resolve(__dirname, '../../docs/web');
interface Shot {
  file: string;
  size: SizeName;
  screen: (typeof CYCLED_SCREENS)[number];
  pi: boolean;
  route?: string;
  viewport?: { width: number; height: number };
  /** Pulls the plug of an agent that runs a chunk this long before the picture. */
  loseAgentMs?: number;
}

const SHOTS: Shot[] = [
  { file: 'mirror-pi-128x64.png', size: '128x64', screen: 'pi', pi: true },
  { file: 'mirror-overview-20x4.png', size: '20x4', screen: 'overview', pi: false },
  { file: 'dashboard.png', size: '128x64', screen: 'pi', pi: true, route: '/dashboard', viewport: { width: 1600, height: 900 }, loseAgentMs: 6000 },
];

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const cluster = await startSimCluster({ agents: 4, seed: 11 });
  const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu'] });
  const log = createLogger({ journal: false, sink: { write: () => undefined } });
  try {
    for (const shot of SHOTS) {
      const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesos-panel-shots-'));
      const config = resolveConfig([
        {
          source: 'screenshots',
          values: {
            masters: [cluster.url],
            pollIntervalMs: 1000,
            stateDir,
            http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' },
            screens: { enabled: [shot.screen], autoCycleSeconds: 0 },
            pi: { ...DEFAULT_CONFIG.pi, terms: 2e10, autoStart: true, taskCpus: 1, nodePath: process.execPath, user: os.userInfo().username },
          },
        },
      ]);
      let pi: PiHost | undefined;
      const host = await startPanel({
        config,
        log,
        display: new NullDisplay(geometryOf(shot.size)),
        button: new NoneBackend(),
        pi: shot.pi ? async (http) => (pi = await startPi({ config, log, http })) : undefined,
      });
      try {
        const page = await browser.newPage();
        await page.setViewport(shot.viewport ?? { width: 900, height: 560 });
        await page.goto(`http://127.0.0.1:${host.http.port}${shot.route ?? '/'}`);
        const waitMs = shot.pi ? 25_000 : 4000;
        await new Promise((r) => setTimeout(r, waitMs - (shot.loseAgentMs ?? 0)));
        if (shot.loseAgentMs) {
          const running = pi?.service.job?.launchedTasks()[0];
          if (running) await cluster.faults.loseAgent(running.agentId);
          await new Promise((r) => setTimeout(r, shot.loseAgentMs));
        }
        await page.screenshot({ path: path.join(OUT, shot.file) });
        await page.close();
        process.stderr.write(`screenshots: ${path.join('docs/web', shot.file)}\n`);
      } finally {
        await host.stop();
        fs.rmSync(stateDir, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
    await cluster.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`screenshots: ${err.message}\n`);
  process.exit(1);
});
