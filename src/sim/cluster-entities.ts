// What a simulated cluster holds: agents, frameworks, tasks, executors and offers, shaped as the master keeps
// them (src/master/master.hpp: Slave, Framework, Task); cluster-model.ts changes them.
import type { Resources } from './resources';

export type AgentStatus = 'active' | 'inactive' | 'unreachable';

export interface SimAgent {
  id: string;
  hostname: string;
  ip: string;
  /** The agent's HTTP port: a real loopback port once the agent serves the executor API, 5051 before. */
  port: number;
  resources: Resources;
  registeredTime: number;
  reregisteredTime?: number;
  status: AgentStatus;
  inactiveSince?: number;
}

export interface TaskStatusEntry {
  state: string;
  timestamp: number;
  container_status?: unknown;
}

export interface SimTask {
  id: string;
  name: string;
  frameworkId: string;
  /** '' for a command task, as /state writes it. */
  executorId: string;
  agentId: string;
  state: string;
  resources: Resources;
  statuses: TaskStatusEntry[];
  /** For background tasks: when the simulated work ends (ms). */
  endsAt?: number;
}

export interface SimExecutor {
  executorId: string;
  frameworkId: string;
  agentId: string;
  /** The ExecutorInfo exactly as the scheduler sent it; a reuse must be identical (mesos.md b.5). */
  info: Record<string, unknown>;
  resources: Resources;
}

export interface SimOffer {
  id: string;
  frameworkId: string;
  agentId: string;
  resources: Resources;
}

export interface SimFramework {
  id: string;
  name: string;
  user: string;
  hostname: string;
  webuiUrl: string;
  roles: string[];
  capabilities: string[];
  failoverTimeout: number;
  checkpoint: boolean;
  principal?: string;
  registeredTime: number;
  reregisteredTime?: number;
  unregisteredTime: number;
  active: boolean;
  connected: boolean;
  /** Set while an HTTP framework is disconnected: the failover timeout runs from here (ms). */
  disconnectedAt?: number;
  tasks: Map<string, SimTask>;
  completedTasks: SimTask[];
  unreachableTasks: SimTask[];
  offers: Map<string, SimOffer>;
  /** Keyed by `${agentId}/${executorId}`. */
  executors: Map<string, SimExecutor>;
  /** A simulated "other" framework whose tasks the model runs itself. */
  background: boolean;
}

export const TERMINAL_STATES = new Set([
  'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_LOST',
  'TASK_GONE_BY_OPERATOR',
]);
