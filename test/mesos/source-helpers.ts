// What the operator stream source's tests share: a logger that keeps its warnings and errors as lines, and a wait.
import type { Logger } from '../../src/log';

/** A logger whose warnings and errors land in `lines` as `warn …` / `error …`. */
export function lineLogger(lines: string[]): Logger {
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (m: string) => void lines.push(`warn ${m}`),
    error: (m: string) => void lines.push(`error ${m}`),
    child: () => logger,
  };
  return logger as unknown as Logger;
}

/** Waits until `ok`, or throws naming `what` after `ms`. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
