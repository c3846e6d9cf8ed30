// The daemon makes a request or more every second for as long as it runs; Node's fetch files a resource
// timing for each in the process-wide performance timeline. These must not accumulate (the soak found them).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Deadline, send } from '../../src/mesos/http';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('resource timings stay at most one deep over many requests', async () => {
  performance.clearResourceTimings();
  let deepest = 0;
  // More than the timeline's 250-entry buffer, so an uncleared buffer would show as 250.
  for (let i = 0; i < 300; i++) {
    const deadline = new Deadline(5000);
    const res = await send(`${base}/master/state?i=${i}`, {}, deadline);
    expect(await res.text()).toBe('{}');
    deadline.clear();
    deepest = Math.max(deepest, performance.getEntriesByType('resource').length);
  }
  // The last request's own entry is filed once its body has been read; each send clears the earlier ones.
  expect(deepest).toBeLessThanOrEqual(1);
  expect(performance.getEntriesByType('resource').length).toBe(1);
});
