// The Mesos fetcher, for what the simulation needs (Mesos docs/fetcher.md): every CommandInfo.uris entry is downloaded in
// order into the sandbox before the executor starts; `executable` chmods the copy to 0755, `output_file`
// renames it. http(s) URLs, absolute paths and file:// are supported; archives are not unpacked (the sim's
// executors are single files).
//
// It fails as the real one does, so that a framework can be tested on what a real agent says:
// - src/launcher/fetcher.cpp (the mesos-fetcher program) logs to the sandbox's `stderr`, and on the first URI
//   it cannot fetch ends with `Failed to fetch '<uri>': <error>` and exit status 1. Errors of a download come
//   from stout's net::download through downloadWithNet: `Error downloading resource: <curl's text>`, or
//   `Error downloading resource, received HTTP return code <n>`, or, when the sandbox copy cannot be opened,
//   `Failed to open file handle of '<path>': Permission denied` (3rdparty/stout/include/stout/net.hpp).
// - src/slave/containerizer/fetcher.cpp (FetcherProcess::run) turns that exit into the launch failure
//   `Failed to fetch all URIs for container '<id>': exited with status 1`, which the agent reports as
//   TASK_FAILED, REASON_CONTAINER_LAUNCH_FAILED, "Failed to launch container: …" (Slave::executorLaunched).
import { appendFile, copyFile, chmod, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorLine } from '../lib/error-line';

export interface UriJson {
  value: string;
  executable?: boolean;
  extract?: boolean;
  cache?: boolean;
  output_file?: string;
}

export interface FetchContext {
  sandbox: string;
  containerId: string;
  /** Whether the task's user may write into the sandbox (the fetcher runs as that user, os::su). */
  writable: boolean;
  timeoutMs?: number;
}

// An executor file is small; anything beyond this is a mistake in the test or the framework.
const MAX_FETCH_BYTES = 64 * 1024 * 1024;

class FetchFailure extends Error {}

export async function fetchUris(uris: UriJson[], ctx: FetchContext): Promise<void> {
  const stderr = join(ctx.sandbox, 'stderr');
  for (const uri of uris) {
    try {
      await appendFile(stderr, glog(`Fetching URI '${uri?.value}'`));
      await fetchOne(uri, ctx);
    } catch (err) {
      const line = err instanceof FetchFailure ? err.message : `Failed to fetch '${uri?.value}': ${errorLine(err)}`;
      await appendFile(stderr, `${line}\n`);
      throw new Error(`Failed to fetch all URIs for container '${ctx.containerId}': exited with status 1`);
    }
  }
}

async function fetchOne(uri: UriJson, ctx: FetchContext): Promise<void> {
  if (typeof uri?.value !== 'string' || uri.value === '') throw new FetchFailure(`Failed to fetch: a CommandInfo.URI has no 'value'`);
  const name = uri.output_file ?? basename(uri.value.split('?')[0]);
  if (!name || name.includes('/') || name === '..') throw new FetchFailure(`Failed to fetch '${uri.value}': cannot name the sandbox copy; set 'output_file'`);
  const target = join(ctx.sandbox, name);
  const fail = (why: string): FetchFailure => new FetchFailure(`Failed to fetch '${uri.value}': ${why}`);
  if (/^https?:\/\//.test(uri.value)) {
    const body = await download(uri.value, ctx.timeoutMs ?? 30_000).catch((err: Error) => {
      throw fail(`Error downloading resource: ${err.message}`);
    });
    if (typeof body === 'number') throw fail(`Error downloading resource, received HTTP return code ${body}`);
    if (!ctx.writable) throw fail(`Error downloading resource: Failed to open file handle of '${target}': Permission denied`);
    await writeFile(target, body);
  } else {
    const source = uri.value.startsWith('file://') ? fileURLToPath(uri.value) : uri.value;
    if (!isAbsolute(source)) throw fail('the simulated agent has no --frameworks_home for relative URIs');
    if (!ctx.writable) throw fail(`Failed to copy '${source}': Permission denied`);
    await copyFile(source, target);
  }
  if (uri.executable) await chmod(target, 0o755);
}

/** The body, or the HTTP status when it is not 200; rejects with curl's text (curl_easy_strerror) when no answer came. */
async function download(url: string, timeoutMs: number): Promise<Buffer | number> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Error(curlText(err));
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    return res.status;
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MAX_FETCH_BYTES) throw new Error(`larger than ${MAX_FETCH_BYTES} bytes`);
  return body;
}

function curlText(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'Timeout was reached';
  const code = e.cause?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return "Couldn't resolve host name";
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return "Couldn't connect to server";
  return 'Failure when receiving data from the peer';
}

/** A glog INFO line as the fetcher writes them, e.g. `I1204 18:20:01.123456 4242 fetcher.cpp:290] …`. */
function glog(text: string): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${p(d.getMonth() + 1)}${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`;
  return `I${stamp} ${process.pid} fetcher.cpp:290] ${text}\n`;
}
