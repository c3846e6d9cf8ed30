// Running a short-lived system command (gpiomon --version, gpiodetect, systemctl, useradd) and
// collecting what it printed. Injected everywhere as RunCommand so tests can run fakes.
import { spawn } from 'child_process';

export interface CommandResult {
  /** Exit code, or null when a signal (or our timeout) ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Resolves with whatever the command did; rejects only when it could not be started (err.code ENOENT, EACCES). */
export type RunCommand = (
  command: string,
  args: readonly string[],
  opts?: { timeoutMs?: number; env?: NodeJS.ProcessEnv },
) => Promise<CommandResult>;

export const runCommand: RunCommand = (command, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 5000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

/** The last non-empty line a tool printed, which is where libgpiod's and systemd's tools put the reason. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
