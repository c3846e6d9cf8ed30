// How a state source is doing: made by the /state poller and the operator event stream, shown by the panel.

export interface SourceStatus {
  /** The master URL last tried or last answering. */
  master: string;
  /** Whether the last poll succeeded. */
  ok: boolean;
  /** ms since epoch of the first failure in the current outage, or null while ok. */
  downSince: number | null;
  /** The last error, in words, one line. */
  lastError: string | null;
  /** How the snapshot arrives: the master's operator event stream, or polling /state (absent: polling). */
  via?: 'stream' | 'poll';
  /** When the leading master started (ms since epoch), where the source knows it. */
  masterStartedAt?: number | null;
  /** Tasks that ended, by terminal state, since the source started, where the source counts them (the stream). */
  taskEnds?: Readonly<Record<string, number>>;
}
