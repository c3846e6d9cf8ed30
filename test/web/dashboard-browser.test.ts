// The projector dashboard in a real headless Chromium, on a running panel with a real π job against the
// simulated cluster: the certified digits are π's, the raw sum's wrong digits (and only those) are marked, the
// hour's history and the convergence chart have points, every agent's share is listed, an agent whose plug is
// pulled shows as lost, and the page says plainly when the daemon is gone.
import type { Browser, Page } from 'puppeteer-core';
import { startSimCluster, type SimCluster } from '../../src/sim';
import { PI_120 } from '../pi/reference';
import { launchBrowser, startPiPanel, waitFor, type PiPanel } from './harness';

interface Shown {
  digits: string;
  /** The raw sum's text, and each marked run with where it starts. */
  raw: string;
  marked: { at: number; text: string }[];
  rows: { host: string; state: string; cells: string[] }[];
  histPoints: number;
  convPoints: number;
  canvases: number;
  disconnected: boolean;
  status: string;
}

/** What the page shows, read in the browser (the project compiles without the DOM lib, so the page is untyped here). */
async function shown(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const d = (globalThis as any).document;
    const raw = d.getElementById('raw');
    const marked: { at: number; text: string }[] = [];
    let at = 0;
    for (const n of Array.from(raw.childNodes) as any[]) {
      if (n.nodeType === 1 && n.classList.contains('wrong')) marked.push({ at, text: n.textContent });
      at += n.textContent.length;
    }
    return {
      digits: d.getElementById('digits').textContent,
      raw: raw.textContent,
      marked,
      rows: (Array.from(d.querySelectorAll('#agents tr')) as any[]).map((tr) => ({
        host: tr.cells[0].textContent,
        state: tr.dataset.state,
        cells: (Array.from(tr.cells) as any[]).map((c) => c.textContent),
      })),
      histPoints: Number(d.querySelector('#cpus .chart').dataset.points ?? 0),
      convPoints: Number(d.getElementById('conv').dataset.points ?? 0),
      canvases: d.querySelectorAll('canvas').length,
      disconnected: d.body.classList.contains('disconnected'),
      status: d.getElementById('status').textContent,
    };
  });
}

let browser: Browser;
let cluster: SimCluster;
let panel: PiPanel | undefined;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  cluster = await startSimCluster({ agents: 3, seed: 7, background: false, allocationIntervalMs: 200 });
  // A job far longer than the test: it is still running when an agent is lost. The panel follows the operator
  // event stream, which never says that an agent went (Master::_markUnreachable sends no AGENT_REMOVED), refreshed
  // from /state only hourly: a lost agent must show by the framework's word.
  panel = await startPiPanel(cluster, 1e13, { stateSource: 'stream', stateRefreshSeconds: 3600 });
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 720 });
  await page.goto(`http://127.0.0.1:${panel.host.http.port}/dashboard`);
}, 60_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await panel?.stop();
  await cluster?.close();
});

test("shows the job's certified digits, and marks exactly the raw sum's digits that are not π's", async () => {
  await waitFor('certified digits past the raw sum’s own', async () => {
    const s = await shown(page);
    return s.digits.length > 12 && s.marked.length > 0;
  }, 60_000);
  const s = await shown(page);
  expect(PI_120.startsWith(s.digits)).toBe(true);
  expect(s.raw).toHaveLength(s.digits.length);
  const wrong = new Set<number>();
  for (const m of s.marked) for (let i = 0; i < m.text.length; i++) wrong.add(m.at + i);
  for (let i = 0; i < s.raw.length; i++) expect([i, s.raw[i] !== PI_120[i]]).toEqual([i, wrong.has(i)]);
  // The raw sum is right on its first digits (it certifies about log10(M) decimals by itself).
  expect(s.raw.slice(0, 4)).toBe('3.14');
}, 90_000);

test('lists every agent with its share of the work, and the charts have points', async () => {
  const hostnames = [...cluster.model.agents.values()].map((a) => a.hostname).sort();
  await waitFor('every agent with terms done', async () => {
    const s = await shown(page);
    return s.rows.length === 3 && s.rows.every((r) => r.state === 'up' && r.cells[1] !== '0');
  }, 60_000);
  const s = await shown(page);
  expect(s.rows.map((r) => r.host)).toEqual(hostnames);
  expect(s.histPoints).toBeGreaterThan(0);
  expect(s.convPoints).toBeGreaterThan(0);
  expect(s.canvases).toBe(4);
}, 90_000);

test('an agent whose plug is pulled shows as lost, with its lost task counted', async () => {
  const job = panel!.pi().service.job!;
  await waitFor('a running chunk', () => job.launchedTasks().length > 0);
  const agentId = job.launchedTasks()[0].agentId;
  const name = cluster.model.agents.get(agentId)!.hostname;
  await cluster.faults.loseAgent(agentId);
  await waitFor('the agent shown lost', async () => {
    const row = (await shown(page)).rows.find((r) => r.host === name);
    return row?.state === 'lost' && Number(row.cells[3]) >= 1;
  }, 30_000);
  const others = (await shown(page)).rows.filter((r) => r.host !== name);
  expect(others.map((r) => r.state)).toEqual(['up', 'up']);
}, 60_000);

test('says plainly that it is disconnected when the daemon goes', async () => {
  expect((await shown(page)).disconnected).toBe(false);
  await panel!.stop();
  await waitFor('the page to say so', async () => (await shown(page)).disconnected);
  expect((await shown(page)).status).toContain('disconnected');
}, 30_000);
