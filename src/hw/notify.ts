// sd_notify for a Type=notify unit. Node has no AF_UNIX datagram sockets (sd_notify(3),
// nodejs/node #31414), so each message is sent by spawning `systemd-notify VAR=VALUE...`; the message
// then comes from a child PID, which is why the unit sets NotifyAccess=all. Since systemd 246,
// systemd-notify waits for PID 1 to read it (sd_notify_barrier), so READY cannot be lost to a race.
// Plain VAR=VALUE arguments work on every version (--stopping only exists from systemd 253).
import { spawn as nodeSpawn } from 'child_process';
import type { Logger } from '../log';

export type NotifySpawn = (command: string, args: readonly string[]) => { on(event: 'close', cb: (code: number | null) => void): unknown; on(event: 'error', cb: (err: Error) => void): unknown };

export interface NotifierDeps {
  env?: NodeJS.ProcessEnv;
  spawn?: NotifySpawn;
  now?: () => number;
  logger?: Logger;
  command?: string;
}

export class SystemdNotifier {
  private readonly env: NodeJS.ProcessEnv;
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private pinging = false;
  private lastCheck = 0;
  private warned = false;

  constructor(private readonly deps: NotifierDeps = {}) {
    this.env = deps.env ?? process.env;
  }

  /** False outside systemd (no NOTIFY_SOCKET): every call is then a no-op. */
  get enabled(): boolean {
    return Boolean(this.env.NOTIFY_SOCKET);
  }

  /** Half of WATCHDOG_USEC in ms, as sd_watchdog_enabled(3) advises; null when the watchdog is off or not ours. */
  get watchdogIntervalMs(): number | null {
    const usec = Number(this.env.WATCHDOG_USEC);
    if (!this.enabled || !Number.isFinite(usec) || usec <= 0) return null;
    const pid = this.env.WATCHDOG_PID;
    if (pid && Number(pid) !== process.pid) return null;
    return Math.max(1, Math.floor(usec / 2000));
  }

  ready(status: string): Promise<void> {
    return this.send(['READY=1', `STATUS=${status}`]);
  }

  status(status: string): Promise<void> {
    return this.send([`STATUS=${status}`]);
  }

  stopping(status = 'stopping'): Promise<void> {
    this.stopWatchdog();
    return this.send(['STOPPING=1', `STATUS=${status}`]);
  }

  /**
   * Ping WATCHDOG=1 every WATCHDOG_USEC/2, but only when the render loop reported progress since the
   * previous tick: a wedged loop then stops the pings and systemd restarts us, whereas an unconditional
   * ping would only prove that timers still fire.
   */
  startWatchdog(lastProgressAt: () => number | null): void {
    const interval = this.watchdogIntervalMs;
    if (interval === null || this.timer) return;
    const now = this.deps.now ?? (() => performance.now());
    this.lastCheck = now();
    this.timer = setInterval(() => {
      const progress = lastProgressAt();
      const since = this.lastCheck;
      this.lastCheck = now();
      if (progress === null || progress < since || this.pinging) return;
      this.pinging = true;
      void this.send(['WATCHDOG=1']).finally(() => (this.pinging = false));
    }, interval);
    this.timer.unref();
  }

  stopWatchdog(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Messages go out one at a time and in order, so READY always precedes the first WATCHDOG. */
  private send(assignments: string[]): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    const next = this.queue.then(() => this.run(assignments));
    this.queue = next;
    return next;
  }

  private run(assignments: string[]): Promise<void> {
    const command = this.deps.command ?? 'systemd-notify';
    const spawn: NotifySpawn = this.deps.spawn ?? ((cmd, args) => nodeSpawn(cmd, [...args], { stdio: 'ignore', env: this.env }));
    return new Promise((resolve) => {
      const fail = (why: string) => {
        // Once is enough: the next failure would say the same thing every WatchdogSec/2.
        if (!this.warned) this.deps.logger?.warn(`systemd-notify ${assignments[0]} failed (${why}): is systemd installed and NotifyAccess=all set in the unit?`);
        this.warned = true;
        resolve();
      };
      const child = spawn(command, assignments);
      child.on('error', (err) => fail(err.message));
      child.on('close', (code) => (code === 0 ? resolve() : fail(`exit code ${code}`)));
    });
  }
}
