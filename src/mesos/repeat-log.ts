// A run of failures of one kind becomes two lines: the first failure, then how many more came and over how
// long. A master that is down for an hour would otherwise put a warning in the journal on every retry.

export interface RepeatLogOptions {
  /** Where the lines go (a logger's warn). */
  write: (line: string) => void;
  now?: () => number;
  /** While the same failure goes on, its count is written this often. Default 60 s. */
  summaryEveryMs?: number;
}

export class RepeatLog {
  private readonly now: () => number;
  private readonly everyMs: number;
  private line: string | undefined;
  private since = 0;
  private more = 0;

  constructor(private readonly o: RepeatLogOptions) {
    this.now = o.now ?? Date.now;
    this.everyMs = o.summaryEveryMs ?? 60_000;
  }

  /** One failure: written when it differs from the one before; otherwise counted, and the count written every so often. */
  failed(line: string): void {
    if (line !== this.line) {
      this.summarise();
      this.line = line;
      this.since = this.now();
      this.o.write(line);
      return;
    }
    this.more++;
    if (this.now() - this.since >= this.everyMs) this.summarise();
  }

  /** The run of failures is over (a success, or a stop): its count, if any is unsaid, is written. */
  ended(): void {
    this.summarise();
    this.line = undefined;
  }

  private summarise(): void {
    if (this.line !== undefined && this.more > 0) {
      const seconds = Math.round((this.now() - this.since) / 1000);
      this.o.write(`${this.line} (failed ${this.more} more ${this.more === 1 ? 'time' : 'times'} in ${seconds} s)`);
    }
    this.more = 0;
    this.since = this.now();
  }
}
