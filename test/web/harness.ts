// What the web tests share: a web face on a real loopback server fed by a recording display, a running panel
// with a real π job on the simulated cluster, an SSE reader, and the real headless Chromium from Debian's package.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'puppeteer-core';
import { startPanel, type PanelHost } from '../../src/app/panel-host';
import { startPi, type PiHost } from '../../src/app/pi-host';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/config';
import { NoneBackend } from '../../src/hw/button/backend';
import type { Display } from '../../src/hw/display';
import { frameToPng } from '../../src/hw/png';
import { memoryLogger } from '../../src/log';
import { geometryOf, type Frame, type Geometry } from '../../src/panel/frame';
import { HttpHost } from '../../src/lib/http-host';
import type { SimCluster } from '../../src/sim';
import { WebFace, type WebOptions } from '../../src/web/web-face';
import { buildExecutorBundle } from '../pi/executor-harness';
import { RecordingDisplay } from '../recording-display';
export { RecordingDisplay };

export interface WebRig {
  http: HttpHost;
  web: WebFace;
  /** What the daemon would drive: the recording display behind the mirror. */
  display: Display;
  inner: RecordingDisplay;
  url: string;
  close(): Promise<void>;
}

export async function startWebRig(geometry: Geometry, o: Partial<WebOptions> = {}, port = 0): Promise<WebRig> {
  const http = await HttpHost.start({ bind: '127.0.0.1', port, serves: 'the panel', notFound: 'not found', logger: memoryLogger() });
  const web = new WebFace(http, { maxClients: 32, log: memoryLogger(), ...o });
  const inner = new RecordingDisplay(geometry);
  return {
    http,
    web,
    inner,
    display: web.display(inner),
    url: `http://127.0.0.1:${http.port}`,
    close: async () => {
      web.close();
      await http.close();
    },
  };
}

export interface PiPanel {
  host: PanelHost;
  /** The π framework, once the panel has started it. */
  pi(): PiHost;
  /** Stops the panel (again: nothing) and removes its folder. */
  stop(): Promise<void>;
}

/**
 * A panel on `cluster` as `run` starts it, a 128x64 recording display and a π job of `terms` started at once,
 * its executor built from the sources; `values` add to or override the config.
 */
export async function startPiPanel(cluster: SimCluster, terms: number, values: Record<string, unknown> = {}): Promise<PiPanel> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesos-panel-web-pi-'));
  const bytes = fs.readFileSync(buildExecutorBundle(path.join(dir, 'build')));
  const bundle = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  const config = resolveConfig([
    {
      source: 'test',
      values: {
        masters: [cluster.url],
        pollIntervalMs: 500,
        stateDir: path.join(dir, 'state'),
        http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' },
        pi: { ...DEFAULT_CONFIG.pi, terms, autoStart: true, taskCpus: 1, nodePath: process.execPath, user: os.userInfo().username },
        ...values,
      },
    },
  ]);
  fs.mkdirSync(config.stateDir);
  const log = memoryLogger();
  let pi: PiHost | undefined;
  let stopped: Promise<void> | undefined;
  const host = await startPanel({
    config,
    log,
    display: new RecordingDisplay(geometryOf('128x64')),
    button: new NoneBackend(),
    pi: async (http) => (pi = await startPi({ config, log, http, bundle })),
  }).catch((err: unknown) => {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    host,
    pi: () => pi!,
    stop: () => (stopped ??= host.stop().finally(() => fs.rmSync(dir, { recursive: true, force: true }))),
  };
}

export interface SseReader {
  res: IncomingMessage;
  /** The data of every event of the name read (`frame` unless told) so far, parsed. */
  events: Record<string, unknown>[];
  bytes: number;
  close(): void;
}

export function readEvents(url: string, name = 'frame'): Promise<SseReader> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      const reader: SseReader = { res, events: [], bytes: 0, close: () => req.destroy() };
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        reader.bytes += Buffer.byteLength(chunk);
        text += chunk;
        let end: number;
        while ((end = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block);
          if (block.split('\n').includes(`event: ${name}`) && data) reader.events.push(JSON.parse(data[1]));
        }
      });
      res.on('error', () => undefined);
      resolve(reader);
    });
    req.on('error', reject);
  });
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless; the tests fail (never skip) without it. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium)`);
  const puppeteer = await import('puppeteer-core');
  const root = process.getuid?.() === 0;
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: [...(root ? ['--no-sandbox'] : []), '--disable-gpu', '--force-color-profile=srgb'] });
}

/** The page's globals, as the functions run in the browser see them (the project compiles without the DOM lib). */
export interface PageGlobals {
  document: {
    body: { dataset: Record<string, string | undefined>; classList: { contains(c: string): boolean } };
    getElementById(id: string): { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
  };
}

/** The canvas's pixels as RGBA, read back from the page, and the frame counter the page last applied. */
export async function canvasPixels(page: Page): Promise<{ seq: string | undefined; data: Buffer }> {
  const r = await page.evaluate(() => {
    const { document } = (globalThis as unknown as PageGlobals);
    const c = document.getElementById('glass');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    return { seq: document.body.dataset.seq, data: Array.from(d) as number[] };
  });
  return { seq: r.seq, data: Buffer.from(r.data) };
}

export const pngPixels = (frame: Frame, level: 'normal' | 'dim' | 'off' = 'normal'): Buffer => PNG.sync.read(frameToPng(frame, 1, level)).data;
