// The mirror in a real headless Chromium: the canvas holds the very pixels `render` draws for the same
// frame, at every size and level; a change in the simulated cluster reaches the page; the page says plainly
// that it is disconnected when the daemon goes away and catches up by itself when it is back.
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { resolveConfig } from '../../src/config';
import { memoryLogger } from '../../src/log';
import { geometryOf } from '../../src/panel/frame';
import { renderScreen } from '../../src/panel/render';
import { startPanel, type PanelHost } from '../../src/app/panel-host';
import { NoneBackend } from '../../src/hw/button/backend';
import { startSimCluster, type SimCluster } from '../../src/sim';
import { fullModel } from '../panel/fixture-model';
import { canvasPixels, launchBrowser, pngPixels, RecordingDisplay, startWebRig, waitFor, type PageGlobals, type WebRig } from './harness';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe('the mirror in Chromium', () => {
  let rig: WebRig | undefined;
  let page: Page | undefined;
  afterEach(async () => {
    await page?.close();
    await rig?.close();
    rig = undefined;
  });

  test.each(['128x64', '128x32', '20x4', '16x2'] as const)('%s: the canvas shows the pixels render draws, dimmed and blanked too', async (size) => {
    const geometry = geometryOf(size);
    rig = await startWebRig(geometry);
    const frame = renderScreen('overview', fullModel(), geometry);
    rig.display.show(frame);
    page = await browser.newPage();
    await page.goto(`${rig.url}/`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.body.dataset.seq !== undefined);
    expect((await canvasPixels(page)).data).toEqual(pngPixels(frame));
    const style = await page.$eval('#glass', (c) => (globalThis as unknown as { getComputedStyle(e: unknown): { imageRendering: string } }).getComputedStyle(c).imageRendering);
    expect(style).toBe('pixelated');
    for (const level of ['dim', 'off'] as const) {
      rig.display.setLevel(level);
      await page.waitForFunction((l) => (globalThis as unknown as PageGlobals).document.body.dataset.level === l, {}, level);
      expect((await canvasPixels(page)).data).toEqual(pngPixels(frame, level));
      expect(await page.$eval('#status', (s) => s.textContent)).toContain(level === 'dim' ? 'dimmed' : 'blanked');
    }
  });

  test('shows disconnected when the server goes, and catches up by itself when it is back', async () => {
    const geometry = geometryOf('128x64');
    rig = await startWebRig(geometry);
    const port = rig.http.port;
    rig.display.show(renderScreen('overview', fullModel(), geometry));
    page = await browser.newPage();
    await page.goto(`${rig.url}/`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.body.dataset.seq !== undefined);
    expect(await page.$eval('body', (b) => b.classList.contains('disconnected'))).toBe(false);
    await rig.close();
    rig = undefined;
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.body.classList.contains('disconnected'));
    expect(await page.$eval('#status', (s) => s.textContent)).toContain('disconnected');
    rig = await startWebRig(geometry, {}, port);
    const after = renderScreen('host', fullModel(), geometry);
    rig.display.show(after);
    await page.waitForFunction(() => !(globalThis as unknown as PageGlobals).document.body.classList.contains('disconnected'), { timeout: 15_000 });
    expect((await canvasPixels(page)).data).toEqual(pngPixels(after));
  });
});

describe('the mirror of a running panel against the simulated cluster', () => {
  let cluster: SimCluster;
  let host: PanelHost;
  let page: Page;
  let stateDir: string;
  afterAll(async () => {
    await page?.close();
    await host?.stop();
    await cluster?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  test('a new agent in the cluster reaches the page, and the page shows what the glass shows', async () => {
    cluster = await startSimCluster({ agents: 2, seed: 3 });
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesos-panel-web-'));
    const config = resolveConfig([
      {
        source: 'test',
        values: {
          masters: [cluster.url],
          pollIntervalMs: 500,
          stateDir,
          http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' },
          screens: { enabled: ['overview'], autoCycleSeconds: 0 },
        },
      },
    ]);
    const glass = new RecordingDisplay(geometryOf('20x4'));
    host = await startPanel({ config, log: memoryLogger(), display: glass, button: new NoneBackend() });
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${host.http.port}/`);
    const agents = () => host.daemon.model().snapshot?.agents.active;
    await waitFor('two agents on the panel', () => agents() === 2);
    const matches = async () => glass.last !== null && (await canvasPixels(page)).data.equals(pngPixels(glass.last, glass.level));
    await waitFor('the page to show the glass', matches);
    const before = await canvasPixels(page);
    await cluster.addAgent();
    await waitFor('three agents on the panel', () => agents() === 3);
    await waitFor('the page to show the new glass', async () => (await matches()) && !(await canvasPixels(page)).data.equals(before.data));
  });
});
