import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { EventEmitter } from 'events';
import { tmpdir } from 'os';
import { join } from 'path';
import { memoryLogger } from '../../src/log';
import { SystemdNotifier, type NotifySpawn } from '../../src/hw/notify';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'notify-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A systemd-notify stand-in that records what it was asked to send and to which socket. */
function fakeNotify(exitCode = 0): { command: string; sent: () => string[] } {
  const log = join(dir, 'sent');
  const command = join(dir, 'systemd-notify');
  writeFileSync(command, `#!/bin/sh\necho "$NOTIFY_SOCKET $*" >> "${log}"\nexit ${exitCode}\n`);
  chmodSync(command, 0o755);
  return {
    command,
    sent: () => {
      try {
        return readFileSync(log, 'utf8').trim().split('\n');
      } catch {
        return [];
      }
    },
  };
}

/** An in-process spawn that records calls and exits on the next tick. */
function recordingSpawn(): { spawn: NotifySpawn; calls: string[][] } {
  const calls: string[][] = [];
  const spawn: NotifySpawn = (_cmd, args) => {
    calls.push([...args]);
    const child = new EventEmitter();
    process.nextTick(() => child.emit('close', 0));
    return child as never;
  };
  return { spawn, calls };
}

describe('systemd notify', () => {
  test('without NOTIFY_SOCKET nothing is spawned', async () => {
    const { spawn, calls } = recordingSpawn();
    const n = new SystemdNotifier({ env: {}, spawn });
    expect(n.enabled).toBe(false);
    await n.ready('up');
    await n.stopping();
    n.startWatchdog(() => 0);
    expect(calls).toEqual([]);
    expect(n.watchdogIntervalMs).toBeNull();
  });

  test('READY, STATUS and STOPPING reach systemd-notify in order, with the socket in its environment', async () => {
    const fake = fakeNotify();
    const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/run/systemd/notify' }, command: fake.command });
    void n.ready('showing cluster');
    void n.status('master lost');
    await n.stopping('display cleared');
    expect(fake.sent()).toEqual([
      '/run/systemd/notify READY=1 STATUS=showing cluster',
      '/run/systemd/notify STATUS=master lost',
      '/run/systemd/notify STOPPING=1 STATUS=display cleared',
    ]);
  });

  test('a failing systemd-notify is one warning, not a crash and not a flood', async () => {
    const fake = fakeNotify(1);
    const logger = memoryLogger();
    const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/x' }, command: fake.command, logger });
    await n.ready('a');
    await n.status('b');
    const missing = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/x' }, command: join(dir, 'nope'), logger });
    await missing.ready('c');
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[0]).toMatch(/^warn: systemd-notify READY=1 failed \(exit code 1\): .*NotifyAccess=all/);
    expect(logger.lines[1]).toMatch(/ENOENT/);
  });

  test('WATCHDOG_USEC/2, and only for our PID', () => {
    const env = { NOTIFY_SOCKET: '/x', WATCHDOG_USEC: '30000000' };
    expect(new SystemdNotifier({ env }).watchdogIntervalMs).toBe(15000);
    expect(new SystemdNotifier({ env: { ...env, WATCHDOG_PID: String(process.pid) } }).watchdogIntervalMs).toBe(15000);
    expect(new SystemdNotifier({ env: { ...env, WATCHDOG_PID: '1' } }).watchdogIntervalMs).toBeNull();
  });

  describe('watchdog', () => {
    beforeEach(() => jest.useFakeTimers({ now: 0, doNotFake: ['nextTick', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    test('pings only while the render loop makes progress', async () => {
      const { spawn, calls } = recordingSpawn();
      const n = new SystemdNotifier({ env: { NOTIFY_SOCKET: '/x', WATCHDOG_USEC: '10000000' }, spawn, now: () => Date.now() });
      let lastFrame: number | null = null;
      n.startWatchdog(() => lastFrame);
      const tick = async (ms: number) => {
        jest.advanceTimersByTime(ms);
        await Promise.resolve();
        await new Promise((r) => process.nextTick(r));
      };
      await tick(5000); // no frame yet
      expect(calls).toEqual([]);
      lastFrame = 6000;
      await tick(5000);
      expect(calls).toEqual([['WATCHDOG=1']]);
      await tick(5000); // the loop is stuck at 6000
      await tick(5000);
      expect(calls).toHaveLength(1);
      lastFrame = 22000; // a frame since the last check at 20 s
      await tick(5000);
      expect(calls).toHaveLength(2);
      await n.stopping();
      await tick(20000);
      expect(calls).toEqual([['WATCHDOG=1'], ['WATCHDOG=1'], ['STOPPING=1', 'STATUS=stopping']]);
    });
  });
});
