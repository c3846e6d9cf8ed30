// The controls in a real headless Chromium, against a panel on the simulated cluster: with the controls off the
// page shows no buttons; with them on, a press asks for the secret once, is refused with a wrong one (nothing
// changes on the glass or the mirror), and with the right one shows the next screen on both. The secret stays
// in the tab's sessionStorage, never in a URL.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { startPanel, type PanelHost } from '../../src/app/panel-host';
import { resolveConfig } from '../../src/config';
import { NoneBackend } from '../../src/hw/button/backend';
import { memoryLogger } from '../../src/log';
import { geometryOf } from '../../src/panel/frame';
import { startSimCluster, type SimCluster } from '../../src/sim';
import { canvasPixels, launchBrowser, pngPixels, RecordingDisplay, waitFor } from './harness';

const SECRET = 'browser-test-secret-0123456789';

/** What the test reads of the page (the project compiles without the DOM lib). */
interface ControlsPage {
  document: {
    getElementById(id: string): { hidden: boolean; textContent: string | null } | null;
    querySelector(selector: string): { hidden: boolean } | null;
  };
  sessionStorage: { getItem(k: string): string | null };
}
const read = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as unknown as ControlsPage;
    const box = g.document.getElementById('controls')!;
    const form = g.document.querySelector('#controls form');
    return {
      shown: !box.hidden,
      buttons: g.document.getElementById('press-next') !== null,
      asking: form ? !form.hidden : false,
      said: g.document.getElementById('said')?.textContent ?? '',
      stored: g.sessionStorage.getItem('mesos-panel-secret'),
    };
  });

/** The header, CPU and memory rows of a 20x4 glass: steady on a cluster without background load. */
const upperRows = (text: string): string[] => text.split('\n').slice(0, 3);

let browser: Browser;
let cluster: SimCluster;
let dir: string;
beforeAll(async () => {
  browser = await launchBrowser();
  cluster = await startSimCluster({ agents: 2, seed: 4, background: false });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesos-panel-controls-web-'));
});
afterAll(async () => {
  await browser?.close();
  await cluster?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function panel(web: Record<string, unknown>): Promise<{ host: PanelHost; glass: RecordingDisplay }> {
  const config = resolveConfig([
    {
      source: 'test',
      values: {
        masters: [cluster.url],
        stateSource: 'poll',
        stateDir: dir,
        http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' },
        screens: { enabled: ['overview', 'agents', 'host'], autoCycleSeconds: 0 },
        web: { maxClients: 32, ...web },
      },
    },
  ]);
  const glass = new RecordingDisplay(geometryOf('20x4'));
  return { host: await startPanel({ config, log: memoryLogger(), display: glass, button: new NoneBackend() }), glass };
}

test('with the controls off the mirror has no buttons', async () => {
  const { host } = await panel({});
  const page = await browser.newPage();
  try {
    await page.goto(`http://127.0.0.1:${host.http.port}/`);
    await waitFor('a frame on the page', async () => (await canvasPixels(page)).seq !== undefined);
    // The page has asked by now (its request went out before the stream's first frame came back).
    await new Promise((r) => setTimeout(r, 300));
    expect(await read(page)).toMatchObject({ shown: false, buttons: false });
  } finally {
    await page.close();
    await host.stop();
  }
});

test('next screen is refused with a wrong secret and works with the right one; the mirror follows the glass', async () => {
  const file = path.join(dir, 'web-secret');
  fs.writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
  const { host, glass } = await panel({ controls: true, secretFile: file });
  const page = await browser.newPage();
  try {
    const url = `http://127.0.0.1:${host.http.port}/`;
    await page.goto(url);
    await waitFor('the buttons', async () => (await read(page)).buttons);
    await waitFor('the overview with the cluster', () => glass.last !== null && host.daemon.model().snapshot !== null);
    const matches = async () => glass.last !== null && (await canvasPixels(page)).data.equals(pngPixels(glass.last, glass.level));
    await waitFor('the page to show the glass', matches);
    const before = { text: glass.text(), pixels: (await canvasPixels(page)).data };

    // The first press asks for the secret; a wrong one is refused, forgotten, and nothing changes.
    await page.click('#press-next');
    expect(await read(page)).toMatchObject({ asking: true, said: 'enter the secret from web.secretFile' });
    await page.type('#controls input', 'a-wrong-secret-of-some-length');
    await page.click('#controls form button');
    await waitFor('the refusal', async () => (await read(page)).said.startsWith('wrong secret'));
    expect(await read(page)).toMatchObject({ stored: null });
    expect(host.daemon.presses).toBe(0);
    // Still the overview, on the glass and the page (its bottom row takes turns on a 20x4 by itself, every 5 s).
    expect(upperRows(glass.text())).toEqual(upperRows(before.text));
    await waitFor('the page to show the glass', matches);

    // Asked again, the right secret presses: the glass shows the next screen, and so does the mirror.
    await page.click('#press-next');
    await waitFor('the secret form again', async () => (await read(page)).asking);
    await page.type('#controls input', SECRET);
    await page.click('#controls form button');
    await waitFor('the press to be done', async () => (await read(page)).said === 'next screen');
    expect(host.daemon.presses).toBe(1);
    expect(upperRows(glass.text())).not.toEqual(upperRows(before.text));
    await waitFor('the page to show the new glass', async () => (await matches()) && !(await canvasPixels(page)).data.equals(before.pixels));

    // Kept for the tab: the next press asks nothing. The secret was never in the URL.
    const shown = glass.text();
    await page.click('#press-next');
    await waitFor('the second press', () => host.daemon.presses === 2);
    await waitFor('the glass to move on', () => glass.text() !== shown);
    expect(await read(page)).toMatchObject({ asking: false, stored: SECRET });
    expect(page.url()).toBe(url);
  } finally {
    await page.close();
    await host.stop();
  }
}, 30_000);
