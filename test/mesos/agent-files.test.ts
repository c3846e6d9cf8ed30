// The sandbox reader against an agent on loopback that answers as src/files/files.cpp and src/slave/http.cpp
// do, and against answers that are not what an agent sends.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentBaseUrl, readTail, sandboxTail } from '../../src/mesos/agent-files';

const DIR_OLD = '/var/lib/mesos/slaves/S0/frameworks/F0/executors/E0/runs/c-old';
const DIR_NEW = '/var/lib/mesos/slaves/S0/frameworks/F0/executors/E0/runs/c-new';
const STDERR = `${'I1204 18:20:01.123456 4242 fetcher.cpp:290] Fetching\n'.repeat(200)}Failed to execute '/usr/local/bin/node': No such file or directory\n`;

describe('agent files', () => {
  let server: Server;
  let base: string;
  let mode: 'mesos' | 'bad-shape' | 'huge' | 'relaunched' = 'mesos';
  const reads: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://agent');
      const json = (body: unknown) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (url.pathname === '/state') {
        const executor = (directory: string) => ({ id: 'E0', directory, container: 'c' });
        return json({ frameworks: [], completed_frameworks: [{ id: 'F0', executors: [], completed_executors: [executor(DIR_OLD), executor(DIR_NEW), { id: 'E0', directory: 'relative/evil' }] }] });
      }
      if (url.pathname === '/files/read') {
        reads.push(url.search);
        if (mode === 'bad-shape') return json({ data: 42, offset: 'x' });
        if (mode === 'huge') return json({ data: 'x'.repeat(1_000_000), offset: 0 });
        // Relaunched: the newest sandbox was just made, and the reason is in the one before it.
        const files: Record<string, string> = mode === 'relaunched' ? { [`${DIR_NEW}/stderr`]: '', [`${DIR_OLD}/stderr`]: STDERR } : { [`${DIR_NEW}/stderr`]: STDERR };
        const text = files[url.searchParams.get('path') ?? ''];
        if (text === undefined) return res.writeHead(404).end();
        const offset = Number(url.searchParams.get('offset'));
        if (offset === -1) return json({ data: '', offset: Buffer.byteLength(text) });
        const length = Number(url.searchParams.get('length') ?? text.length);
        return json({ data: Buffer.from(text).subarray(offset, offset + length).toString(), offset });
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    mode = 'mesos';
    reads.length = 0;
  });

  it("reads the end of the newest sandbox's stderr, in a bounded window", async () => {
    const tail = await sandboxTail(base, 'F0', 'E0', 'stderr', { timeoutMs: 2000, tailBytes: 200 });
    expect(tail?.directory).toBe(DIR_NEW);
    expect(tail?.text).toHaveLength(200);
    expect(tail?.text.endsWith("Failed to execute '/usr/local/bin/node': No such file or directory\n")).toBe(true);
    const size = Buffer.byteLength(STDERR);
    expect(reads).toEqual([`?path=${encodeURIComponent(`${DIR_NEW}/stderr`)}&offset=-1`, `?path=${encodeURIComponent(`${DIR_NEW}/stderr`)}&offset=${size - 200}&length=200`]);
  });

  it('looks back past a sandbox a relaunch has just made, to the run that says why, when asked to', async () => {
    mode = 'relaunched';
    const o = { timeoutMs: 2000, tailBytes: 200 };
    expect(await sandboxTail(base, 'F0', 'E0', 'stderr', o)).toEqual({ directory: DIR_NEW, text: '' });
    const wanted = (t: string) => t.trim() !== '';
    const back = await sandboxTail(base, 'F0', 'E0', 'stderr', { ...o, runs: 3, wanted });
    expect(back?.directory).toBe(DIR_OLD);
    expect(back?.text.endsWith('No such file or directory\n')).toBe(true);
    // Nothing says anything within the runs looked at: the newest is the answer.
    expect(await sandboxTail(base, 'F0', 'E0', 'stderr', { ...o, runs: 1, wanted })).toEqual({ directory: DIR_NEW, text: '' });
  });

  it('has no sandbox for an executor the agent does not know', async () => {
    expect(await sandboxTail(base, 'F0', 'other', 'stderr', { timeoutMs: 2000, tailBytes: 200 })).toBeNull();
    expect(await sandboxTail(base, 'F9', 'E0', 'stderr', { timeoutMs: 2000, tailBytes: 200 })).toBeNull();
  });

  it('refuses answers that are not {data, offset}, or too large', async () => {
    mode = 'bad-shape';
    await expect(readTail(base, '/x/stderr', { timeoutMs: 2000, tailBytes: 200 })).rejects.toThrow(`${base}/files/read answered no {data, offset}`);
    mode = 'huge';
    await expect(readTail(base, '/x/stderr', { timeoutMs: 2000, tailBytes: 200 })).rejects.toThrow(/larger|too large|limit|bytes/i);
  });

  it("builds the agent's URL from an offer, and refuses a host that is not one", () => {
    expect(agentBaseUrl({ scheme: 'http', address: { hostname: 'pi-2', ip: '10.0.0.12', port: 5051 } })).toBe('http://10.0.0.12:5051');
    expect(agentBaseUrl({ address: { hostname: 'pi-2', port: 5051 } })).toBe('http://pi-2:5051');
    expect(agentBaseUrl({ address: { hostname: 'evil/path?x', port: 5051 } })).toBeNull();
    expect(agentBaseUrl({ address: { ip: '10.0.0.1', port: 5051.5 } })).toBeNull();
  });
});
