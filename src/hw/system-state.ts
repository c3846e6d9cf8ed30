// Why are we being stopped? SIGTERM looks the same for `systemctl stop` and for a shutdown, but the
// glass should differ: after a service stop it is blank and asleep; at system
// shutdown it shows "halted" and keeps it, because the 3V3 rail often stays up after halt.
//
// `systemctl is-system-running` prints "stopping" once the manager has a shutdown job queued, and
// `systemctl list-jobs` names the target (reboot, poweroff, halt, kexec). Both talk to PID 1 over
// D-Bus, which is why the unit orders itself After=dbus.service: at shutdown it stops before D-Bus.
import { runCommand, type RunCommand } from './command';

export type StopReason =
  | { kind: 'system-shutdown'; target: 'reboot' | 'poweroff' | 'halt' | 'kexec' | 'shutdown' }
  | { kind: 'service-stop' };

const SHUTDOWN_TARGETS = ['reboot', 'poweroff', 'halt', 'kexec', 'soft-reboot', 'shutdown'] as const;

export interface SystemStateDeps {
  run?: RunCommand;
  /** systemctl answers in milliseconds; past this we must get on with stopping inside TimeoutStopSec. */
  timeoutMs?: number;
}

/**
 * Decide between a system shutdown and a plain service stop. When systemctl cannot answer, assume a
 * service stop: a blank display is never misleading, a stale "halted" on a running Pi would be.
 */
export async function stopReason(deps: SystemStateDeps = {}): Promise<StopReason> {
  const run = deps.run ?? runCommand;
  const opts = { timeoutMs: deps.timeoutMs ?? 1500 };
  const ask = async (args: string[]): Promise<string | null> => {
    try {
      return (await run('systemctl', args, opts)).stdout;
    } catch {
      return null;
    }
  };
  const [state, jobs] = await Promise.all([ask(['is-system-running']), ask(['list-jobs', '--no-legend', '--plain'])]);
  const target = shutdownTarget(jobs ?? '');
  if (target) return { kind: 'system-shutdown', target };
  if (state?.trim() === 'stopping') return { kind: 'system-shutdown', target: 'shutdown' };
  return { kind: 'service-stop' };
}

/** The shutdown target with a start job in `systemctl list-jobs` output ("JOB UNIT TYPE STATE" rows). */
export function shutdownTarget(listJobs: string): Exclude<StopReason, { kind: 'service-stop' }>['target'] | null {
  let found: (typeof SHUTDOWN_TARGETS)[number] | null = null;
  for (const line of listJobs.split('\n')) {
    const [, unit, type] = line.trim().split(/\s+/);
    if (type !== 'start' || !unit?.endsWith('.target')) continue;
    const name = unit.slice(0, -'.target'.length) as (typeof SHUTDOWN_TARGETS)[number];
    if (!SHUTDOWN_TARGETS.includes(name)) continue;
    // reboot.target pulls in shutdown.target too; the specific one says more.
    if (found === null || found === 'shutdown') found = name;
  }
  return found === 'soft-reboot' ? 'reboot' : found;
}
