// What a caught value says, for a log line or a one-line error. JavaScript can throw anything, so a cast to
// Error would print "undefined" for a thrown string or object; these never do.
import { inspect } from 'node:util';

/** The words of a caught value: an Error's message (its name when the message is empty), a string as is,
 *  anything else described. Line breaks are kept (the CLI prints one problem per line). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  return `${inspect(err, { depth: 2, breakLength: Infinity })} (thrown, not an Error)`;
}

/** errorMessage on one line: line breaks become " | ", runs of blanks one space; longer than max ends in "…". */
export function errorLine(err: unknown, max = Infinity): string {
  const line = errorMessage(err).trim().replace(/\s*\n\s*/g, ' | ').replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
