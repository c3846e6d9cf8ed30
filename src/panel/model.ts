// PanelModel: everything the screens draw, gathered by the daemon from its sources.
// Screens are pure functions of this model; they never do I/O and never see where data came from.
import type { ClusterSnapshot } from '../mesos/snapshot';
import type { Notice } from './attention';

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

export interface HostInfo {
  hostname: string;
  addresses: string[];
  uptimeSeconds: number;
  load1: number;
  /** °C, or null where /sys/class/thermal has no zone. */
  temperatureC: number | null;
}

/** The π job as the screens show it; produced by src/pi, display-ready. */
export interface PiView {
  state: 'idle' | 'running' | 'done' | 'error';
  /** Why the framework cannot subscribe or the job cannot run, in words, or null. */
  problem: string | null;
  termsDone: number;
  termsTotal: number;
  /** Certified digits of the raw sum S_N, e.g. "3.14159", or "" when none are certified yet. */
  rawDigits: string;
  /** Certified digits of the Euler-corrected estimate. */
  correctedDigits: string;
  termsPerSecond: number;
  tasks: { running: number; finished: number; failed: number };
  elapsedSeconds: number;
  /** null when unknown. */
  etaSeconds: number | null;
}

/** Transient interface state driven by the button. */
export interface UiState {
  /** 0..1 while the button is held, null otherwise. */
  holdProgress: number | null;
  /** A short message shown over the screen, e.g. "hold again to reset", or null. */
  banner: string | null;
}

export interface PanelModel {
  /** ms since epoch at which the model was taken; ages are computed against it. */
  now: number;
  snapshot: ClusterSnapshot | null;
  /** ms since epoch of the snapshot's poll, or null. */
  snapshotAt: number | null;
  source: SourceStatus;
  host: HostInfo;
  pi: PiView | null;
  ui: UiState;
  /** What happened that deserves a look, newest first (the attention screen's pages); absent: none kept. */
  attention?: Notice[];
}
