// ClusterSnapshot: what the panel knows about the cluster, derived purely from one /state document.
// Every field's meaning is a contract: `mesos-panel status --json` prints these totals for scripts.

export const RESOURCES = ['cpus', 'mem', 'disk', 'gpus'] as const;
export type ResourceName = (typeof RESOURCES)[number];

/** One resource across the cluster. mem and disk are in MB. Each value is rounded to 3 decimals. */
export interface ResourceUse {
  total: number;
  used: number;
  offered: number;
  /** total − used − offered */
  free: number;
}

export interface AgentSummary {
  id: string;
  hostname: string;
  active: boolean;
  cpus: ResourceUse;
  mem: ResourceUse;
  /** Present (true) only while an operator has deactivated the agent (1.9+). */
  deactivated?: true;
  /** Present (true) only while the agent drains (1.9+, `drain_info`). */
  draining?: true;
}

export interface FrameworkSummary {
  id: string;
  name: string;
  active: boolean;
  /** Tasks in the framework's `tasks` list (the non-completed ones). */
  tasks: number;
  cpusUsed: number;
  memUsed: number;
}

export interface ClusterSnapshot {
  /** host:port of the leading master, or null when the master names none. */
  leader: string | null;
  version: string | null;
  agents: { active: number; inactive: number; unreachable: number };
  cpus: ResourceUse;
  mem: ResourceUse;
  disk: ResourceUse;
  gpus: ResourceUse;
  /**
   * `registered` is every framework in /state's `frameworks` (not `completed_frameworks`), active or not: a
   * disconnected framework within its failover timeout still holds its tasks and resources. Every screen counts
   * frameworks this way; `active` (connected and not deactivated) is kept for `status`.
   */
  frameworks: { active: number; registered: number };
  /** Counts by task state over every framework's `tasks`. */
  tasks: Record<string, number>;
  agentList: AgentSummary[];
  frameworkList: FrameworkSummary[];
}
