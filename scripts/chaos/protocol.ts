// What a controller (a chaos schedule, the soak) and the daemon child say to each other: one JSON object per
// line, commands on the child's stdin and reports on its stdout.
import type { ClusterSnapshot } from '../../src/mesos/snapshot';
import type { SourceStatus } from '../../src/mesos/source-status';
import type { FinalDigits } from '../../src/pi/final-digits';
import type { DigitsSpec, PiServiceOptions } from '../../src/pi/service';

/** Simulated time running `speed` times faster than the wall clock from a shared origin. */
export interface CompressedClock {
  wallStart: number;
  simStart: number;
  speed: number;
}

export function compressedClock(c: CompressedClock): () => number {
  return () => c.simStart + (Date.now() - c.wallStart) * c.speed;
}

export interface ChildOptions {
  service: Omit<PiServiceOptions, 'logger' | 'now' | 'onDone'>;
  /** Start a job once open, as with pi.autoStart (a no-op when a saved unfinished job was resumed). */
  autoStart: boolean;
  /** Starts (by autoStart or the long press) a job asked for by digits, as pi.digits does, rather than by terms. */
  digits?: DigitsSpec;
  /** Absent: the wall clock. */
  clock?: CompressedClock;
  tickMs: number;
  /** The panel's state source: the operator event stream, its /state refresh this often (and polling's interval). */
  state: { refreshMs: number; pollMs: number };
  reportMs: number;
}

export type ChildCommand =
  | { cmd: 'nack'; ms: number }
  | { cmd: 'unplug' }
  | { cmd: 'plug' }
  | { cmd: 'button-exit' }
  | { cmd: 'start' }
  | { cmd: 'reset' }
  /** Collects garbage (when node runs with --expose-gc) and restarts the event-loop delay histogram. */
  | { cmd: 'gc' }
  | { cmd: 'memory' }
  /** The snapshot the panel's state source holds now. */
  | { cmd: 'snapshot' }
  | { cmd: 'stop' };

export interface Progress {
  type: 'progress';
  jobId: string | null;
  /** The saved job this daemon found unfinished or uncertified at start, which it must go on with; else null. */
  owed: string | null;
  finished: number;
  running: number;
  done: boolean;
  /** A digits job's outcome once certified or refuted, after the last chunk (null before, and for a job by terms). */
  final: FinalDigits['kind'] | null;
  subscribed: boolean;
  /** I2C transactions that reached the display, and those that failed, since the child started. */
  i2cOk: number;
  i2cFailed: number;
  /** Whether the (fake) gpiomon process of the button backend is running. */
  buttonAlive: boolean;
}

export interface Memory {
  type: 'memory';
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** Memory of Buffers and other objects outside the JS heap. */
  external: number;
  /** Whether a forced gc ran first. */
  gc: boolean;
  /** Event-loop delay since the last 'gc' command. */
  p99Ms: number;
  maxMs: number;
}

export interface HeldSnapshot {
  type: 'snapshot';
  snapshot: ClusterSnapshot | null;
  status: SourceStatus;
}

export type ChildReport = Progress | Memory | HeldSnapshot;
