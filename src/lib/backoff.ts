// Exponential backoff with jitter, for retrying a master that is down or has no leader.
// Jitter spreads the retries of many clients after a master failover (AWS Architecture Blog, "Exponential
// Backoff And Jitter", 2015). Both variants here keep every delay at least minMs, so a retry loop never spins.

export type Jitter = 'full' | 'decorrelated' | 'none';

export interface BackoffOptions {
  minMs: number;
  maxMs: number;
  /** Default 'full'. */
  jitter?: Jitter;
  /** Uniform in [0, 1); default Math.random. Injected for tests. */
  random?: () => number;
}

export class Backoff {
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly jitter: Jitter;
  private readonly random: () => number;
  private failures = 0;
  private previous: number;

  constructor(opts: BackoffOptions) {
    if (!(opts.minMs > 0) || !Number.isFinite(opts.minMs)) {
      throw new RangeError(`backoff minMs must be a positive number of ms, got ${opts.minMs}`);
    }
    if (!(opts.maxMs >= opts.minMs) || !Number.isFinite(opts.maxMs)) {
      throw new RangeError(`backoff maxMs must be at least minMs (${opts.minMs}), got ${opts.maxMs}`);
    }
    this.minMs = opts.minMs;
    this.maxMs = opts.maxMs;
    this.jitter = opts.jitter ?? 'full';
    this.random = opts.random ?? Math.random;
    this.previous = opts.minMs;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  /** The delay before the next retry, in ms; each call counts one more failure. */
  next(): number {
    // 2^30 × minMs already exceeds any sane maxMs; the guard keeps the power finite.
    const ceiling = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    let delay: number;
    switch (this.jitter) {
      case 'none':
        delay = ceiling;
        break;
      case 'full':
        // "Full jitter" draws from [0, ceiling]; the floor at minMs keeps a busy loop impossible.
        delay = this.minMs + this.random() * (ceiling - this.minMs);
        break;
      case 'decorrelated':
        // sleep = min(cap, random_between(base, previous * 3))
        delay = Math.min(this.maxMs, this.minMs + this.random() * (this.previous * 3 - this.minMs));
        break;
    }
    this.previous = delay;
    return Math.round(delay);
  }

  /** After a success: the next failure starts again from minMs. */
  reset(): void {
    this.failures = 0;
    this.previous = this.minMs;
  }
}
