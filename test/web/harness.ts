// What the web tests share: a web face on a real loopback server fed by a recording display, an SSE reader,
// and the real headless Chromium from Debian's package.
import * as fs from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'puppeteer-core';
import type { Display } from '../../src/hw/display';
import { memoryLogger } from '../../src/log';
import { frameToPng } from '../../src/hw/png';
import type { Frame, Geometry } from '../../src/panel/frame';
import { HttpHost } from '../../src/lib/http-host';
import { WebFace, type WebOptions } from '../../src/web/web-face';
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

export interface SseReader {
  res: IncomingMessage;
  /** The data of every `frame` event so far, parsed. */
  events: Record<string, unknown>[];
  bytes: number;
  close(): void;
}

export function readEvents(url: string): Promise<SseReader> {
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
          if (/^event: frame$/m.test(block) && data) reader.events.push(JSON.parse(data[1]));
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
