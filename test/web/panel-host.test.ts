// The panel host owns the HTTP server: a panel that fails to start leaves nothing listening behind it.
import { createServer } from 'node:net';
import { startPanel } from '../../src/app/panel-host';
import { resolveConfig } from '../../src/config';
import { NoneBackend } from '../../src/hw/button/backend';
import { NullDisplay } from '../../src/hw/null-display';
import { memoryLogger } from '../../src/log';
import { geometryOf } from '../../src/panel/frame';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

test('a π framework that cannot start leaves the port free, and the error is its own', async () => {
  const port = await freePort();
  const config = resolveConfig([{ source: 'test', values: { masters: ['http://127.0.0.1:9'], http: { bind: '127.0.0.1', port, advertiseHost: '127.0.0.1' } } }]);
  const start = startPanel({
    config,
    log: memoryLogger(),
    display: new NullDisplay(geometryOf('128x64')),
    button: new NoneBackend(),
    pi: async () => {
      expect(await canListen(port)).toBe(false);
      throw new Error('pi: the framework cannot start');
    },
  });
  await expect(start).rejects.toThrow('pi: the framework cannot start');
  expect(await canListen(port)).toBe(true);
});

test('a port in use is one line naming the keys to change', async () => {
  const port = await freePort();
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(port, '127.0.0.1', r));
  try {
    const config = resolveConfig([{ source: 'test', values: { masters: ['http://127.0.0.1:9'], http: { bind: '127.0.0.1', port, advertiseHost: null } } }]);
    await expect(startPanel({ config, log: memoryLogger(), display: new NullDisplay(geometryOf('128x64')), button: new NoneBackend() })).rejects.toThrow(
      `cannot serve the panel on 127.0.0.1:${port}: the address is in use; set http.bind and http.port in the config`,
    );
  } finally {
    await new Promise((r) => taken.close(r));
  }
});
