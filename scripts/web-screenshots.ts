// The README's pictures of the mirror, taken by the tests' browser (Debian's Chromium through puppeteer-core):
// the real panel host against a simulated cluster, a π job running on the 128x64 OLED's π screen, and the
// overview on a 20x4 LCD. Run `npm run screenshots` (it builds first); the pictures are committed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer from 'puppeteer-core';
import { startPanel } from '../src/app/panel-host';
import { startPi } from '../src/app/pi-host';
import { CYCLED_SCREENS, DEFAULT_CONFIG, resolveConfig } from '../src/config';
import { NoneBackend } from '../src/hw/button/backend';
import { NullDisplay } from '../src/hw/null-display';
import { createLogger } from '../src/log';
import { geometryOf, type SizeName } from '../src/panel/frame';
import { startSimCluster } from '../src/sim';

const OUT = path.resolve(__dirname, '../../docs/web');
const SHOTS: { file: string; size: SizeName; screen: (typeof CYCLED_SCREENS)[number]; pi: boolean }[] = [
  { file: 'mirror-pi-128x64.png', size: '128x64', screen: 'pi', pi: true },
  { file: 'mirror-overview-20x4.png', size: '20x4', screen: 'overview', pi: false },
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
      const host = await startPanel({
        config,
        log,
        display: new NullDisplay(geometryOf(shot.size)),
        button: new NoneBackend(),
        pi: shot.pi ? (http) => startPi({ config, log, http }) : undefined,
      });
      try {
        const page = await browser.newPage();
        await page.setViewport({ width: 900, height: 560 });
        await page.goto(`http://127.0.0.1:${host.http.port}/`);
        await new Promise((r) => setTimeout(r, shot.pi ? 25_000 : 4000));
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
