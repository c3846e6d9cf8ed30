// What a simulated agent says about executors that failed: its read-only endpoints `/state`, whose executors
// carry their sandbox `directory` (ExecutorWriter and FrameworkWriter in src/slave/http.cpp), and `/files/read`,
// which reads a window of a file in an attached sandbox (FilesProcess::__read and _read in src/files/files.cpp);
// and the update for a task whose user the machine lacks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { open, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { SimFramework } from './cluster-entities';
import { answer, type Json } from './http-call';
import type { TaskStatusJson } from './status-updates';
import { randomUuidBytes } from './uuid-bytes';

export interface SandboxEntry {
  frameworkId: string;
  frameworkName: string;
  user: string;
  executorId: string;
  name: string;
  containerId: string;
  directory: string;
  live: boolean;
}

/** GET /state and /files/read; false for any other request. */
export function serveReadOnly(path: string, req: IncomingMessage, res: ServerResponse, agent: { id: string; hostname: string; endpoint: string }, sandboxes: () => SandboxEntry[]): boolean {
  if (req.method !== 'GET') return false;
  if (path === '/state' || path === '/slave(1)/state') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(agentState(agent, sandboxes())));
    return true;
  }
  if (path !== '/files/read') return false;
  const roots = sandboxes().map((s) => s.directory);
  filesRead(new URL(req.url ?? '/', 'http://agent').searchParams, roots, res).catch(() => answer(res, 500));
  return true;
}

/**
 * Framework::addExecutor fails in paths::createExecutorDirectory when os::chown finds no such user
 * (3rdparty/stout/include/stout/os/posix/chown.hpp); Slave::run then sends TASK_LOST (TASK_DROPPED if
 * partition-aware) from the agent with REASON_EXECUTOR_TERMINATED, and an ExitedExecutorMessage with status -1
 * (src/slave/slave.cpp). The sandbox is removed again, so nothing is left to read.
 */
export function noSuchUserStatus(fw: SimFramework, taskId: string, at: { agentId: string; executorId: string; dir: string; now: number }): TaskStatusJson {
  return {
    task_id: { value: taskId },
    state: fw.capabilities.includes('PARTITION_AWARE') ? 'TASK_DROPPED' : 'TASK_LOST',
    source: 'SOURCE_AGENT',
    message: `Failed to create executor directory '${at.dir}': Failed to chown directory to '${fw.user}': No such user '${fw.user}'`,
    reason: 'REASON_EXECUTOR_TERMINATED',
    agent_id: { value: at.agentId },
    executor_id: { value: at.executorId },
    timestamp: at.now,
    uuid: randomUuidBytes(),
  };
}

/** The agent's /state, with what a framework needs of it: frameworks, executors and their sandboxes. */
function agentState(agent: { id: string; hostname: string; endpoint: string }, sandboxes: SandboxEntry[]): Json {
  const frameworks = new Map<string, { fw: Json; live: boolean }>();
  for (const s of sandboxes) {
    let entry = frameworks.get(s.frameworkId);
    if (!entry) {
      const fw = { id: s.frameworkId, name: s.frameworkName, user: s.user, executors: [] as Json[], completed_executors: [] as Json[] };
      entry = { fw, live: false };
      frameworks.set(s.frameworkId, entry);
    }
    entry.live ||= s.live;
    const executor = { id: s.executorId, name: s.name, source: '', container: s.containerId, directory: s.directory, tasks: [], queued_tasks: [], completed_tasks: [] };
    (entry.fw[s.live ? 'executors' : 'completed_executors'] as Json[]).push(executor);
  }
  // An agent keeps a framework while it has executors; afterwards it is among the completed ones.
  const all = [...frameworks.values()];
  return {
    id: agent.id,
    pid: `slave(1)@${agent.endpoint}`,
    hostname: agent.hostname,
    frameworks: all.filter((f) => f.live).map((f) => f.fw),
    completed_frameworks: all.filter((f) => !f.live).map((f) => f.fw),
  };
}

// files.cpp caps one read at 16 pages (os::pagesize() * 16).
const MAX_READ = 16 * 4096;

/** GET /files/read?path=…&offset=…&length=…: {data, offset}; offset -1 (or none) asks for the file's size. */
async function filesRead(query: URLSearchParams, roots: string[], res: ServerResponse): Promise<void> {
  const path = query.get('path');
  if (path === null) return text(res, 400, "Expecting 'path=value' in query.\n");
  const offset = query.has('offset') ? Number(query.get('offset')) : -1;
  const length = query.has('length') ? Number(query.get('length')) : -1;
  if (!Number.isInteger(offset) || !Number.isInteger(length)) return text(res, 400, 'Failed to parse offset or length.\n');
  if (offset < -1) return text(res, 400, `Negative offset provided: ${offset}.\n`);
  if (length < -1) return text(res, 400, `Negative length provided: ${length}.\n`);
  // Only attached paths (the sandboxes) can be read; anything else is unknown to the files process.
  const file = resolve(path);
  if (!roots.some((r) => file === r || file.startsWith(r + sep))) return text(res, 404, '');
  const st = await stat(file).catch(() => null);
  if (!st) return text(res, 404, '');
  if (st.isDirectory()) return text(res, 400, 'Cannot read a directory.\n');
  const size = st.size;
  const from = offset === -1 ? 0 : offset;
  const want = offset === -1 ? 0 : Math.min(length === -1 ? size - from : length, MAX_READ);
  let data = '';
  if (from < size && want > 0) {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(want, size - from));
      const { bytesRead } = await fh.read(buf, 0, buf.length, from);
      data = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  }
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data, offset: offset === -1 ? size : offset }));
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
}
