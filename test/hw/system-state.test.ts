import type { RunCommand } from '../../src/hw/command';
import { shutdownTarget, stopReason } from '../../src/hw/system-state';

// Output as systemd 252 prints it: `systemctl list-jobs --no-legend --plain` rows are JOB UNIT TYPE STATE.
const REBOOT_JOBS = `1123 reboot.target                start waiting
1190 mesos-panel.service          stop  running
1124 shutdown.target              start waiting
1131 systemd-reboot.service       start waiting
`;
const SERVICE_STOP_JOBS = '1190 mesos-panel.service stop running\n';

function fakeSystemctl(answers: { state?: string; jobs?: string; missing?: boolean }): { run: RunCommand; calls: string[][] } {
  const calls: string[][] = [];
  const run: RunCommand = async (cmd, args) => {
    calls.push([cmd, ...args]);
    if (answers.missing) throw Object.assign(new Error('spawn systemctl ENOENT'), { code: 'ENOENT' });
    if (args[0] === 'is-system-running') {
      const state = answers.state ?? 'running';
      return { code: state === 'running' ? 0 : 1, stdout: `${state}\n`, stderr: '' };
    }
    return { code: 0, stdout: answers.jobs ?? '', stderr: '' };
  };
  return { run, calls };
}

describe('stop reason', () => {
  test('a reboot is a system shutdown, named', async () => {
    const { run, calls } = fakeSystemctl({ state: 'stopping', jobs: REBOOT_JOBS });
    expect(await stopReason({ run })).toEqual({ kind: 'system-shutdown', target: 'reboot' });
    expect(calls).toContainEqual(['systemctl', 'is-system-running']);
  });

  test('poweroff and halt', async () => {
    expect(await stopReason(fakeSystemctl({ state: 'stopping', jobs: '7 poweroff.target start waiting\n8 shutdown.target start waiting\n' }))).toEqual({
      kind: 'system-shutdown',
      target: 'poweroff',
    });
    expect(shutdownTarget('7 halt.target start waiting')).toBe('halt');
  });

  test('"stopping" without a visible job is still a shutdown', async () => {
    expect(await stopReason(fakeSystemctl({ state: 'stopping', jobs: '' }))).toEqual({ kind: 'system-shutdown', target: 'shutdown' });
  });

  test('a plain service stop or restart, on a healthy or degraded system', async () => {
    for (const state of ['running', 'degraded']) {
      expect(await stopReason(fakeSystemctl({ state, jobs: SERVICE_STOP_JOBS }))).toEqual({ kind: 'service-stop' });
    }
  });

  test('a stop job for a target is not a shutdown', () => {
    expect(shutdownTarget('9 reboot.target stop waiting\n')).toBeNull();
    expect(shutdownTarget('9 multi-user.target start waiting\n')).toBeNull();
  });

  test('without systemctl it blanks, the safe choice', async () => {
    expect(await stopReason(fakeSystemctl({ missing: true }))).toEqual({ kind: 'service-stop' });
  });
});
