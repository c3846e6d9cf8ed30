// Reading an executor's sandbox from its agent, where Mesos keeps why a launch failed: the fetcher and the
// launch helper write their errors to the sandbox's `stderr`, while the status update says only "Failed to
// fetch all URIs … exited with status 1" or "Executor terminated". The sandbox path is the `directory` of the
// executor in the agent's /state (ExecutorWriter, src/slave/http.cpp); its tail comes from the agent's
// /files/read, which answers {data, offset} and, for offset -1, the file's size in `offset`
// (FilesProcess::__read, src/files/files.cpp). Every answer is untrusted: sizes are capped and shapes checked.
import { type Credentials, getJson } from './http';

export interface AgentFilesOptions {
  /** For the whole look-up, all requests together. */
  timeoutMs: number;
  /** The most of the file's end to read. */
  tailBytes: number;
  /** Cap on the agent's /state body. */
  maxStateBytes?: number;
  credentials?: Credentials;
  ca?: string | Buffer;
}

/** Where an agent answers HTTP, from an offer's `url` ({scheme, address: {hostname, ip, port}}). */
export function agentBaseUrl(url: { scheme?: string; address: { hostname?: string; ip?: string; port: number } }): string | null {
  const host = url.address.ip || url.address.hostname;
  const scheme = url.scheme === 'https' ? 'https' : 'http';
  if (!host || !/^[A-Za-z0-9.:_-]+$/.test(host) || !Number.isInteger(url.address.port)) return null;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${url.address.port}`;
}

/** The sandboxes of an executor on the agent, newest first, from its /state (live executors before completed ones). */
export async function executorDirectories(agent: string, frameworkId: string, executorId: string, o: AgentFilesOptions): Promise<string[]> {
  const answer = await getJson(`${agent}/state`, { timeoutMs: o.timeoutMs, maxBodyBytes: o.maxStateBytes ?? 16 * 1024 * 1024, credentials: o.credentials, ca: o.ca });
  if (answer.kind !== 'json') return [];
  const state = answer.body as Record<string, unknown>;
  const found: string[] = [];
  for (const list of [state?.completed_frameworks, state?.frameworks]) {
    for (const fw of Array.isArray(list) ? list : []) {
      if (fw?.id !== frameworkId) continue;
      for (const executors of [fw.completed_executors, fw.executors]) {
        for (const e of Array.isArray(executors) ? executors : []) {
          // Later entries are newer; a live executor comes after the completed runs of the same id.
          if (e?.id === executorId && typeof e.directory === 'string' && e.directory.startsWith('/') && !e.directory.includes('\0')) found.push(e.directory);
        }
      }
    }
  }
  return [...new Set(found)].reverse();
}

/** The last `tailBytes` of a file the agent serves (a sandbox path), as text. */
export async function readTail(agent: string, path: string, o: AgentFilesOptions): Promise<string> {
  const url = (offset: number, length?: number) =>
    `${agent}/files/read?path=${encodeURIComponent(path)}&offset=${offset}${length === undefined ? '' : `&length=${length}`}`;
  const get = async (u: string): Promise<{ data: string; offset: number }> => {
    const a = await getJson(u, { timeoutMs: o.timeoutMs, maxBodyBytes: 4 * o.tailBytes + 1024, credentials: o.credentials, ca: o.ca });
    const body = a.kind === 'json' ? (a.body as Record<string, unknown>) : null;
    if (!body || typeof body.data !== 'string' || typeof body.offset !== 'number' || !Number.isSafeInteger(body.offset) || body.offset < 0) {
      throw new Error(`${agent}/files/read answered no {data, offset}`);
    }
    return { data: body.data, offset: body.offset };
  };
  const size = (await get(url(-1))).offset;
  const from = Math.max(0, size - o.tailBytes);
  const { data } = await get(url(from, size - from));
  return data.slice(-o.tailBytes);
}

export interface SandboxRead extends AgentFilesOptions {
  /** How many of the executor's newest sandboxes to look at, newest first. */
  runs?: number;
  /** Whether a tail is the one wanted; the first that is ends the look-up (default: the newest). */
  wanted?: (text: string) => boolean;
}

/**
 * The tail of an executor's sandbox file (e.g. `stderr`), or null when the agent has no sandbox for it. An executor
 * id that is launched again gets a new sandbox at once, empty while the failed one holds the reason: `wanted`
 * and `runs` let the caller look back past it. When no tail is wanted, the newest one is returned.
 */
export async function sandboxTail(agent: string, frameworkId: string, executorId: string, file: string, o: SandboxRead): Promise<{ directory: string; text: string } | null> {
  const started = Date.now();
  const directories = (await executorDirectories(agent, frameworkId, executorId, o)).slice(0, Math.max(1, o.runs ?? 1));
  let newest: { directory: string; text: string } | null = null;
  for (const directory of directories) {
    const left = Math.max(1, o.timeoutMs - (Date.now() - started));
    const read = { directory, text: await readTail(agent, `${directory}/${file}`, { ...o, timeoutMs: left }) };
    newest ??= read;
    if (!o.wanted || o.wanted(read.text)) return read;
  }
  return newest;
}
