// One line per event on stderr, so stdout carries only a command's result (`pi --json | jq`, the terminal
// display's picture). Under systemd (JOURNAL_STREAM set) each line carries a <N> syslog priority prefix
// (sd-daemon(3)) and no timestamp, since journald adds its own; the unit sends stderr to the journal too.

export type Level = 'error' | 'warn' | 'info' | 'debug';
const PRIORITY: Record<Level, number> = { error: 3, warn: 4, info: 6, debug: 7 };

export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  child(namespace: string): Logger;
}

export interface LogSink {
  write(line: string): void;
}

export function createLogger(
  opts: { namespace?: string; journal?: boolean; debug?: boolean; sink?: LogSink } = {},
): Logger {
  const journal = opts.journal ?? Boolean(process.env.JOURNAL_STREAM);
  const sink = opts.sink ?? { write: (line: string) => process.stderr.write(line) };
  const emit = (level: Level, msg: string): void => {
    if (level === 'debug' && !opts.debug) return;
    // A message is one line: a multi-line message would become several journal entries.
    const text = `${opts.namespace ? `${opts.namespace}: ` : ''}${msg}`.replace(/\s*\n\s*/g, ' | ');
    const prefix = journal ? `<${PRIORITY[level]}>` : level === 'info' ? '' : `${level}: `;
    sink.write(`${prefix}${text}\n`);
  };
  return {
    error: (m) => emit('error', m),
    warn: (m) => emit('warn', m),
    info: (m) => emit('info', m),
    debug: (m) => emit('debug', m),
    child: (ns) => createLogger({ ...opts, journal, sink, namespace: opts.namespace ? `${opts.namespace}:${ns}` : ns }),
  };
}

/** A logger that records lines, for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ journal: false, debug: true, sink: { write: (l) => lines.push(l.trimEnd()) } });
  return Object.assign(logger, { lines });
}
