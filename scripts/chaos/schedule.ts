// Randomized fault schedules for the chaos runs. A schedule is a pure function of its seed, so a failing one
// replays with CHAOS_SEED=<seed> CHAOS_SCHEDULES=1. Faults are triggered by progress (after k chunks have
// finished, plus a little jitter) rather than by time, so they land mid-job however fast the machine is.
import { seededRng } from '../../src/sim/random';

export const FAULT_KINDS = [
  'dropped-subscription',
  '503',
  'leader-307',
  'lost-agent',
  'killed-executor',
  'duplicated-updates',
  'delayed-updates',
  'silent-master',
  'dropped-operator-stream',
  'operator-stream-cut-mid-record',
  'leader-election',
  'daemon-sigkill',
  'display-nack',
  'display-unplug',
  'button-exit',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultStep {
  kind: FaultKind;
  /** Fires once this many chunks have finished… */
  afterChunks: number;
  /** …and this much longer. */
  jitterMs: number;
  /** Kind-specific size: requests answered 503, updates duplicated, ms of delay, NACK, unplug or no leader. */
  amount: number;
}

export interface Schedule {
  seed: number;
  steps: FaultStep[];
}

/**
 * Whether the schedule of `seed` runs a digits job (when the run has one): every third seed, shifted by one at
 * each pass through FAULT_KINDS, so that ten consecutive seeds hold two to four and, over three passes, every
 * kind leads a digits schedule as the first fault (with the plain every third, 15 being a multiple of 3, only
 * every third kind would).
 */
export function runsDigits(seed: number): boolean {
  return (seed + Math.floor(seed / FAULT_KINDS.length)) % 3 === 0;
}

/** Two to five faults; the first is the seed's own kind, so consecutive seeds cover every kind in turn. */
export function makeSchedule(seed: number, chunks: number): Schedule {
  const rng = seededRng(seed);
  const count = rng.int(2, 5);
  const steps: FaultStep[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i === 0 ? FAULT_KINDS[seed % FAULT_KINDS.length] : rng.pick(FAULT_KINDS);
    steps.push({ kind, afterChunks: rng.int(0, chunks - 1), jitterMs: rng.int(0, 300), amount: amountFor(kind, rng.int(0, 1000) / 1000) });
  }
  steps.sort((a, b) => a.afterChunks - b.afterChunks);
  return { seed, steps };
}

function amountFor(kind: FaultKind, u: number): number {
  switch (kind) {
    case '503':
      return 2 + Math.floor(u * 9);
    case 'duplicated-updates':
      return 1 + Math.floor(u * 20);
    case 'delayed-updates':
      return 20 + Math.floor(u * 200);
    case 'leader-election':
      return 200 + Math.floor(u * 1000);
    case 'display-nack':
    case 'display-unplug':
      return 100 + Math.floor(u * 1500);
    default:
      return 0;
  }
}

export type FaultCounts = Record<FaultKind, number>;

export function noFaults(): FaultCounts {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as FaultCounts;
}
