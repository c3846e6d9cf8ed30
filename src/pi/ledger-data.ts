// The ledger's data: chunks, their states and results, the counters, and what one update did to it.
// ledger.ts keeps it consistent; ledger-store.ts persists exactly LedgerData.
import type { AgentSpeed } from './chunk-sizing';
import type { ChunkValue, JobKernel, JobSpec } from './chunk-result';
import type { FinalDigits } from './final-digits';

export type StoredResult = ChunkValue & {
  ms: number;
  agentId: string;
  taskId: string;
};

export type ChunkState =
  | { kind: 'pending' }
  | { kind: 'launched'; taskId: string; agentId: string; launchedAt: number }
  | { kind: 'done'; result: StoredResult };

export interface Chunk {
  start: number;
  end: number;
  /** Launches so far; the next task id carries attempts + 1. */
  attempts: number;
  /** Failures per agent id. */
  failures: Map<string, number>;
  state: ChunkState;
}

export interface Counters {
  launched: number;
  finished: number;
  failed: number;
  lost: number;
  retried: number;
  /** Duplicate results that were not bit-identical to the stored one. */
  mismatches: number;
}

/** Everything the ledger is; ledger-store.ts persists exactly this. */
export interface LedgerData {
  jobId: string;
  terms: number;
  spec: JobSpec;
  startedAt: number;
  finishedAt: number | null;
  /** [0, carved) is cut into chunks; [carved, terms) is not assigned yet. */
  carved: number;
  chunks: Chunk[];
  counters: Counters;
  speeds: Map<string, AgentSpeed>;
  /** An exact job's certified digits once its corrections ran (final-digits.ts); always null for the others. */
  final: FinalDigits | null;
}

export interface Launch {
  taskId: string;
  agentId: string;
  start: number;
  end: number;
  kernel: JobKernel;
  /** The TaskInfo.data payload. */
  data: string;
}

export type UpdateOutcome =
  | { kind: 'finished'; start: number; end: number; supersededTaskId: string | null }
  | { kind: 'duplicate' }
  | { kind: 'mismatch'; message: string }
  /** `avoids`: the agent this chunk has now failed on maxFailuresPerAgent times, and will not be sent to again. */
  | { kind: 'requeued'; reason: string; avoids?: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'running' }
  | { kind: 'stale' }
  | { kind: 'unknown'; message: string };

export interface Progress {
  termsDone: number;
  termsTotal: number;
  termsPerSecond: number;
  etaSeconds: number | null;
  elapsedSeconds: number;
}
