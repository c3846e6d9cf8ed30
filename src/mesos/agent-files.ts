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

/** The newest sandbox of an executor on the agent, from its /state (live executors first, then completed ones). */
export async function executorDirectory(agent: string, frameworkId: string, executorId: string, o: AgentFilesOptions): Promise<string | null> {
  const answer = await getJson(`${agent}/state`, { timeoutMs: o.timeoutMs, maxBodyBytes: o.maxStateBytes ?? 16 * 1024 * 1024, credentials: o.credentials, ca: o.ca });
  if (answer.kind !== 'json') return null;
  const state = answer.body as Record<string, unknown>;
  let found: string | null = null;
  for (const list of [state?.completed_frameworks, state?.frameworks]) {
    for (const fw of Array.isArray(list) ? list : []) {
      if (fw?.id !== frameworkId) continue;
      for (const executors of [fw.completed_executors, fw.executors]) {
        for (const e of Array.isArray(executors) ? executors : []) {
          // Later entries are newer; a live executor wins over the completed runs of the same id.
          if (e?.id === executorId && typeof e.directory === 'string' && e.directory.startsWith('/') && !e.directory.includes('\0')) found = e.directory;
        }
      }
    }
  }
  return found;
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

/** The tail of an executor's sandbox file (e.g. `stderr`), or null when the agent has no sandbox for it. */
export async function sandboxTail(agent: string, frameworkId: string, executorId: string, file: string, o: AgentFilesOptions): Promise<{ directory: string; text: string } | null> {
  const started = Date.now();
  const directory = await executorDirectory(agent, frameworkId, executorId, o);
  if (!directory) return null;
  const left = Math.max(1, o.timeoutMs - (Date.now() - started));
  return { directory, text: await readTail(agent, `${directory}/${file}`, { ...o, timeoutMs: left }) };
}
