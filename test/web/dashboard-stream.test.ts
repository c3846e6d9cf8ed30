// The dashboard's event stream: a new browser gets everything at once (the hour of history, the convergence
// points), then at most one event a tick and only when something changed, with just the new history samples;
// the mirror's frames never reach it, nor its events the mirror's streams.
import * as fs from 'node:fs';
import { recordAllocation, emptyHistory, type AllocationHistory } from '../../src/panel/allocation-history';
import { geometryOf } from '../../src/panel/frame';
import type { PanelModel } from '../../src/panel/model';
import { renderScreen } from '../../src/panel/render';
import { runKernel } from '../../src/pi/kernel';
import { Ledger } from '../../src/pi/ledger';
import { encodeTaskResult } from '../../src/pi/task-data';
import { DASHBOARD_EVENTS_PATH } from '../../src/web/web-face';
import { fixtureSnapshot, fullModel, NOW } from '../panel/fixture-model';
import { readEvents, startWebRig, waitFor, type SseReader, type WebRig } from './harness';

let rig: WebRig;
const readers: SseReader[] = [];
afterEach(async () => {
  readers.splice(0).forEach((r) => r.close());
  await rig?.close();
});

/** A ledger with its first chunk done on the fixture's first agent and its second running on another. */
function runningLedger(agentId: string): Ledger {
  const led = Ledger.create('job1', 2_000_000, 'precise', 0, { minChunkTerms: 500_000, targetTaskSeconds: 1, maxGrowth: 1, maxFailuresPerAgent: 3 });
  const l = led.nextChunk(agentId, 0)!;
  const r = runKernel('precise', l.start, l.end);
  led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: encodeTaskResult({ start: l.start, end: l.end, kernel: 'precise', ...r, terms: l.end - l.start, ms: 40 }) }, 100);
  led.nextChunk('gone-agent', 200);
  return led;
}

test('a new stream starts from everything; then only what changed, once a tick at most, and never to the mirror', async () => {
  let history: AllocationHistory = emptyHistory();
  for (let i = 0; i < 5; i++) history = recordAllocation(history, NOW - 50_000 + i * 10_000, fixtureSnapshot());
  let model: PanelModel = fullModel({ history });
  const agentId = model.snapshot!.agentList[0].id;
  const ledger = runningLedger(agentId);
  rig = await startWebRig(geometryOf('128x64'));
  const feed = rig.web.dashboard(rig.http, { model: () => model, ledger: () => ledger, gone: () => new Set(), corrections: 2 });
  const dash = await readEvents(`${rig.url}${DASHBOARD_EVENTS_PATH}`, 'dash');
  const mirror = await readEvents(`${rig.url}/events`);
  readers.push(dash, mirror);
  await waitFor('the first event', () => dash.events.length === 1);
  const first = dash.events[0] as Record<string, any>;
  expect(first.reset).toBe(10_000);
  expect(first.hist).toHaveLength(5);
  expect(first.hist[0]).toEqual([Math.round((NOW - 50_000) / 1000), ...['cpus', 'mem', 'disk'].flatMap((k) => [model.snapshot![k as 'cpus'].used, model.snapshot![k as 'cpus'].offered, model.snapshot![k as 'cpus'].total])]);
  // log10 of the bounds: 1/500,000 (plus 2ε) for the raw sum.
  expect(first.conv).toEqual([[500_000, expect.closeTo(Math.log10(2e-6), 3), expect.any(Number)]]);
  expect(first.pi.digits.startsWith('3.14159265358979')).toBe(true);
  expect(first.pi.raw.startsWith('3.14159065358979324046')).toBe(true);
  const rows = first.pi.agents as { host: string; state: string; done: number; run: unknown; n: number }[];
  expect(rows.find((r) => r.host === model.snapshot!.agentList[0].hostname)).toMatchObject({ state: 'up', done: 500_000, run: null, n: 0 });
  // An agent the job used that /state does not list is lost, and keeps its place on the board.
  expect(rows.find((r) => r.host === 'gone-agent')).toMatchObject({ state: 'lost', run: [500_000, 1_000_000], n: 1 });

  // Nothing changed: no event however often the feed ticks.
  feed.tick();
  feed.tick();
  rig.display.show(renderScreen('overview', model, geometryOf('128x64')));
  await waitFor('the mirror frame', () => mirror.events.length === 1);
  expect(dash.events).toHaveLength(1);

  // A new sample: one event with only that sample, no convergence (the prefix did not grow).
  model = fullModel({ history: recordAllocation(history, NOW + 10_000, fixtureSnapshot()) });
  feed.tick();
  await waitFor('the change', () => dash.events.length === 2);
  const second = dash.events[1] as Record<string, any>;
  expect(second.reset).toBeUndefined();
  expect(second.conv).toBeUndefined();
  expect(second.hist).toEqual([[Math.round((NOW + 10_000) / 1000), ...first.hist[0].slice(1)]]);
  feed.tick();
  await new Promise((r) => setTimeout(r, 50));
  expect(dash.events).toHaveLength(2);
  expect(mirror.events).toHaveLength(1);
});

test("the chart library is uPlot's own file from its package, served with the page's headers", async () => {
  rig = await startWebRig(geometryOf('128x64'));
  for (const [route, file, type] of [
    ['/uplot.js', 'uplot/dist/uPlot.iife.min.js', 'application/javascript; charset=utf-8'],
    ['/uplot.css', 'uplot/dist/uPlot.min.css', 'text/css; charset=utf-8'],
  ]) {
    const res = await fetch(`${rig.url}${route}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self'/);
    expect(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(require.resolve(file)))).toBe(true);
  }
  const page = await fetch(`${rig.url}/dashboard`);
  expect(await page.text()).toMatch(/<script src="\/uplot\.js"><\/script>\s*<script src="\/live\.js"><\/script>\s*<script src="\/dashboard\.js">/);
});
