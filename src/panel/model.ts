// PanelModel: everything the screens draw, gathered by the daemon from its sources.
// Screens are pure functions of this model; they never do I/O and never see where data came from.
import type { ClusterSnapshot } from '../mesos/snapshot';
import type { AllocationHistory } from './allocation-history';
import type { Notice } from './attention';
import type { PiView } from '../pi/view';
import type { SourceStatus } from '../mesos/source-status';

export interface HostInfo {
  hostname: string;
  addresses: string[];
  uptimeSeconds: number;
  load1: number;
  /** °C, or null where /sys/class/thermal has no zone. */
  temperatureC: number | null;
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
  /** What the cluster had and used over the last hour (the overview's chart); absent: none kept. */
  history?: AllocationHistory;
}
