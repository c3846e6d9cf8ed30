// One executor on a simulated agent, as the agent keeps it (Framework and Executor in src/slave/slave.hpp): its
// sandbox, process and subscription, the tasks it runs, and how it shows in the agent's /state and /files.
import type { ChildProcess } from 'node:child_process';
import type * as http from 'node:http';
import type { SandboxEntry } from './agent-endpoints';
import type { SimFramework } from './cluster-entities';
import type { Json } from './http-call';

export interface ExecutorRun {
  framework: SimFramework;
  executorId: string;
  info: Json;
  containerId: string;
  sandbox: string;
  /** The sandbox being made and fetched into; settles once nothing more is written there. */
  starting?: Promise<void>;
  proc?: ChildProcess;
  exited: Promise<void>;
  markExited: () => void;
  stream?: http.ServerResponse;
  subscribed: boolean;
  /** TaskInfos waiting for the executor to subscribe. */
  queued: Json[];
  /** TaskInfos sent in LAUNCH whose latest state is not terminal. */
  live: Map<string, Json>;
  launchedAny: boolean;
  registrationTimer?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
  reason: string;
  shuttingDown: boolean;
  /** The agent itself is gone: the process dies without any update or FAILURE. */
  lost: boolean;
}

export function sandboxOf(r: ExecutorRun, live: boolean): SandboxEntry {
  const name = typeof r.info.name === 'string' ? r.info.name : '';
  return { frameworkId: r.framework.id, frameworkName: r.framework.name, user: r.framework.user, executorId: r.executorId, name, containerId: r.containerId, directory: r.sandbox, live };
}

export function frameworkInfoJson(fw: SimFramework): Json {
  const info: Json = { user: fw.user, name: fw.name, id: { value: fw.id }, failover_timeout: fw.failoverTimeout, checkpoint: fw.checkpoint, roles: fw.roles };
  if (fw.capabilities.length > 0) info.capabilities = fw.capabilities.map((type) => ({ type }));
  info.hostname = fw.hostname;
  return info;
}
