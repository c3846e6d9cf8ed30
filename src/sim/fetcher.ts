// The Mesos fetcher, for what the simulation needs (mesos.md d; src/launcher/fetcher.cpp): every
// CommandInfo.uris entry is downloaded in order into the sandbox before the executor starts; `executable`
// chmods the copy to 0755, `output_file` renames it. http(s) URLs, absolute paths and file:// are supported;
// archives are not unpacked (the sim's executors are single files).
import { copyFile, chmod, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface UriJson {
  value: string;
  executable?: boolean;
  extract?: boolean;
  cache?: boolean;
  output_file?: string;
}

// An executor file is small; anything beyond this is a mistake in the test or the framework.
const MAX_FETCH_BYTES = 64 * 1024 * 1024;

export async function fetchUris(uris: UriJson[], sandbox: string, timeoutMs = 30_000): Promise<void> {
  for (const uri of uris) {
    if (typeof uri?.value !== 'string' || uri.value === '') throw new Error(`Failed to fetch: a CommandInfo.URI has no 'value'`);
    const name = uri.output_file ?? basename(uri.value.split('?')[0]);
    if (!name || name.includes('/') || name === '..') throw new Error(`Failed to fetch '${uri.value}': cannot name the sandbox copy; set 'output_file'`);
    const target = join(sandbox, name);
    if (/^https?:\/\//.test(uri.value)) await download(uri.value, target, timeoutMs);
    else if (uri.value.startsWith('file://')) await copyFile(fileURLToPath(uri.value), target);
    else if (isAbsolute(uri.value)) await copyFile(uri.value, target);
    else throw new Error(`Failed to fetch '${uri.value}': the simulated agent has no --frameworks_home for relative URIs`);
    if (uri.executable) await chmod(target, 0o755);
  }
}

async function download(url: string, target: string, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new Error(`Failed to fetch '${url}': ${(err as Error).message}`);
  }
  if (!res.ok) throw new Error(`Failed to fetch '${url}': HTTP ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MAX_FETCH_BYTES) throw new Error(`Failed to fetch '${url}': larger than ${MAX_FETCH_BYTES} bytes`);
  await writeFile(target, body);
}
