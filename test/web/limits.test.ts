// The web face's bounds: at most web.maxClients live streams, the mirror's and the dashboard's together (the next
// is told to come back later), a browser that stops reading is dropped once its unsent bytes pass the bound while
// the others go on, and a client that connects and disconnects in a loop leaves no stream, socket or listener behind.
import { connect, type Socket } from 'node:net';
import { geometryOf } from '../../src/panel/frame';
import { renderScreen } from '../../src/panel/render';
import { fullModel } from '../panel/fixture-model';
import { DASHBOARD_EVENTS_PATH } from '../../src/web/web-face';
import { readEvents, startWebRig, waitFor, type SseReader, type WebRig } from './harness';

const geometry = geometryOf('128x64');
const frames = [renderScreen('overview', fullModel(), geometry), renderScreen('pi', fullModel(), geometry)];

let rig: WebRig;
const readers: SseReader[] = [];
afterEach(async () => {
  readers.splice(0).forEach((r) => r.close());
  await rig.close();
});

/** Open TCP sockets in this process (process.getActiveResourcesInfo, Node 17.3+, is missing from @types/node 18). */
const sockets = (): number => (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

test('at most maxClients streams; the next gets a 503 saying so, and a freed place can be taken again', async () => {
  rig = await startWebRig(geometry, { maxClients: 3 });
  rig.display.show(frames[0]);
  for (let i = 0; i < 3; i++) readers.push(await readEvents(`${rig.url}/events`));
  await waitFor('three streams', () => rig.web.streams.size === 3);
  const refused = await fetch(`${rig.url}/events`);
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('10');
  expect(await refused.text()).toBe('busy: 3 browsers are already connected (web.maxClients); close one and reload\n');
  readers.pop()!.close();
  await waitFor('a free place', () => rig.web.streams.size === 2);
  const again = await readEvents(`${rig.url}/events`);
  readers.push(again);
  expect(again.res.statusCode).toBe(200);
  await waitFor('its first frame', () => again.events.length === 1);
});

test('the dashboard and the mirror share the bound: a full server refuses either', async () => {
  rig = await startWebRig(geometry, { maxClients: 3 });
  rig.web.dashboard(rig.http, { model: () => fullModel(), ledger: () => null, gone: () => new Set(), corrections: 2 });
  rig.display.show(frames[0]);
  readers.push(await readEvents(`${rig.url}/events`), await readEvents(`${rig.url}/events`), await readEvents(`${rig.url}${DASHBOARD_EVENTS_PATH}`, 'dash'));
  await waitFor('three streams', () => rig.web.streams.size === 3);
  for (const path of ['/events', DASHBOARD_EVENTS_PATH]) {
    const refused = await fetch(`${rig.url}${path}`);
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('(web.maxClients)');
  }
  readers.shift()!.close();
  await waitFor('a free place', () => rig.web.streams.size === 2);
  const dash = await readEvents(`${rig.url}${DASHBOARD_EVENTS_PATH}`, 'dash');
  readers.push(dash);
  await waitFor('its first event', () => dash.events.length === 1);
});

test('a browser that stops reading is dropped at the bound; one that reads goes on getting every frame', async () => {
  rig = await startWebRig(geometry, { maxBufferBytes: 64 * 1024 });
  rig.display.show(frames[0]);
  const reading = await readEvents(`${rig.url}/events`);
  readers.push(reading);
  const stalled: Socket = connect({ host: '127.0.0.1', port: rig.http.port });
  stalled.write('GET /events HTTP/1.1\r\nHost: pi\r\n\r\n');
  stalled.pause();
  await waitFor('both streams', () => rig.web.streams.size === 2);
  let shown = 0;
  // Enough frames to fill the loopback socket buffers of the stalled client and then the server's bound.
  while (rig.web.streams.dropped === 0 && shown < 40_000) {
    // In small batches, so the reading client (in this process too) gets to read between them.
    for (let i = 0; i < 20; i++) rig.display.show(frames[++shown % 2]);
    await new Promise((r) => setTimeout(r, 2));
  }
  expect(rig.web.streams.dropped).toBe(1);
  expect(rig.web.streams.size).toBe(1);
  await waitFor('the reader to get every frame', () => reading.events.length === shown + 1);
  stalled.destroy();
});

test('a thousand connects and disconnects, to the mirror and the dashboard, leave no stream, socket or listener', async () => {
  rig = await startWebRig(geometry);
  rig.web.dashboard(rig.http, { model: () => fullModel(), ledger: () => null, gone: () => new Set(), corrections: 2 });
  rig.display.show(frames[0]);
  const before = sockets();
  for (let i = 0; i < 1000; i++) {
    const dash = i % 4 >= 2;
    const r = dash ? await readEvents(`${rig.url}${DASHBOARD_EVENTS_PATH}`, 'dash') : await readEvents(`${rig.url}/events`);
    if (i % 2) await waitFor('a first event', () => r.events.length === 1);
    r.close();
  }
  await waitFor('every stream to close', () => rig.web.streams.size === 0);
  await waitFor('every socket to close', () => sockets() <= before);
  const last = await readEvents(`${rig.url}/events`);
  readers.push(last);
  await waitFor('a frame after the loop', () => last.events.length === 1);
  expect(rig.web.streams.size).toBe(1);
  expect(last.res.listenerCount('data')).toBe(1);
});
