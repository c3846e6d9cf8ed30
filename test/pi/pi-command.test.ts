import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli-errors';
import { registerPi, runPi } from '../../src/commands/pi';
import type { CommandContext } from '../../src/commands/context';
import { resolveConfig } from '../../src/config';
import { memoryLogger } from '../../src/log';
import type { SimCluster } from '../../src/sim';
import type { ProgressStream } from '../../src/commands/pi-progress';
import { DIGITS_JOB, NODE_PATH, PiRig, transpileTree } from './pi-harness';
import { machinPi, PI_120 } from './reference';

describe('mesos-panel pi', () => {
  let rig: PiRig;
  let cluster: SimCluster;
  let stateDir: string;

  beforeAll(async () => {
    rig = new PiRig();
    cluster = await rig.cluster();
    stateDir = mkdtempSync(join(tmpdir(), 'pi-cli-'));
  });
  afterAll(async () => {
    await cluster.close();
    rig.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  function program(httpPort = 5055, stderr?: ProgressStream): { run: (...args: string[]) => Promise<void>; out: string[]; log: string[] } {
    const out: string[] = [];
    const log = memoryLogger();
    const config = resolveConfig([
      { source: 'test', values: { masters: ['http://127.0.0.1:1'], stateDir, http: { bind: '127.0.0.1', port: httpPort, advertiseHost: '127.0.0.1' }, pi: { nodePath: process.execPath, user: 'root' } } },
    ]);
    const ctx: CommandContext = { config: () => config, out: (t) => out.push(t), log, configFile: () => undefined };
    const p = new Command('mesos-panel').exitOverride();
    registerPi(p, ctx, { bundle: () => rig.bundle, stderr });
    for (const c of p.commands) c.exitOverride();
    return { run: async (...args) => void (await p.parseAsync(['node', 'mesos-panel', 'pi', ...args])), out, log: log.lines };
  }

  it('--json prints exactly one object with the result of the job', async () => {
    const p = program();
    await p.run('--master', cluster.url, '--terms', '1e8', '--kernel', 'precise', '--json', '--http-port', '0');
    expect(p.out).toHaveLength(1);
    const r = JSON.parse(p.out[0]);
    expect(Object.keys(r)).toEqual([
      'terms', 'chunks', 'sum', 'error_bound', 'raw', 'raw_decimals', 'corrected', 'corrected_decimals', 'corrections', 'seconds', 'terms_per_second', 'tasks',
    ]);
    expect(Object.keys(r.tasks)).toEqual(['launched', 'finished', 'failed', 'lost', 'retried']);
    expect(r.terms).toBe(1e8);
    expect(r.sum).toMatch(/^3\.14159264\d{32}$/);
    expect(r.error_bound).toBeGreaterThan(0);
    expect(r.error_bound).toBeLessThan(1e-28);
    expect(r.raw).toBe('3.1415926');
    expect(r.raw_decimals).toBe(7);
    expect(r.corrections).toBe(2);
    expect(PI_120.startsWith(r.corrected)).toBe(true);
    expect(r.corrected_decimals).toBe(r.corrected.length - 2);
    expect(r.corrected_decimals).toBeGreaterThanOrEqual(25);
    expect(r.tasks.finished).toBe(r.chunks);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.terms_per_second).toBeCloseTo(1e8 / r.seconds, 0);
    // The one-shot framework is torn down at the end, and stays so: no new subscription, and no warning about
    // the calls the master refuses once it no longer knows the framework.
    expect([...cluster.model.frameworks.values()].filter((f) => f.active && !f.background)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1500));
    expect([...cluster.model.frameworks.values()].filter((f) => !f.background)).toEqual([]);
    expect(p.log.filter((l) => /subscribing anew|^warn:|^error:/.test(l))).toEqual([]);
  });

  it('runs a digits job for a caller that has its spec, and --json carries every certified decimal', async () => {
    const out: string[] = [];
    const config = resolveConfig([{ source: 'test', values: { masters: ['http://127.0.0.1:1'], stateDir, pi: { nodePath: process.execPath, user: 'root' } } }]);
    const ctx: CommandContext = { config: () => config, out: (t) => out.push(t), log: memoryLogger(), configFile: () => undefined };
    await runPi(ctx, { bundle: () => rig.bundle }, { masters: [cluster.url], httpPort: 0, connectMs: 30_000, json: true, digits: DIGITS_JOB });
    const r = JSON.parse(out[0]);
    expect(r).toMatchObject({ terms: 2e6, digits: { bits: 3400, corrections: 100, bbp: { position: expect.any(Number), hex: expect.stringMatching(/^[0-9a-f]{8}$/) } } });
    expect(r.digits.decimals).toBeGreaterThanOrEqual(980);
    expect(r.digits.certified).toBe(machinPi(r.digits.decimals));
    expect(r.sum).toMatch(/^3\.14159215\d{32}$/);

    await runPi(ctx, { bundle: () => rig.bundle }, { masters: [cluster.url], httpPort: 0, connectMs: 30_000, json: false, digits: DIGITS_JOB });
    expect(out[1]).toContain(`\ndigits    ${r.digits.decimals} decimals certified (exact chunks at 3400 bits, 100 Euler corrections), ending …${r.digits.certified.slice(-30)}; BBP agrees at hexadecimal position ${r.digits.bbp.position}; --json prints them all\n`);
    await expect(runPi(ctx, { bundle: () => rig.bundle }, { masters: [cluster.url], httpPort: 0, connectMs: 30_000, json: true, digits: { ...DIGITS_JOB, bits: 1 } })).rejects.toThrow(
      new UsageError('the digits job cannot run: bits must be an integer from 64 to 400000 (got 1)'),
    );
  });

  it('--digits D plans N, K and P for the cluster, says why on stderr, and certifies at least D decimals, every one right', async () => {
    const p = program();
    await p.run('--master', cluster.url, '--digits', '300', '--json', '--http-port', '0');
    const r = JSON.parse(p.out[0]);
    expect(r.digits.decimals).toBeGreaterThanOrEqual(300);
    expect(r.digits.certified).toBe(machinPi(r.digits.decimals));
    const why = p.log.filter((l) => l.startsWith('π digits job: N = '));
    expect(why).toHaveLength(1);
    expect(why[0]).toContain(`${r.digits.corrections}`);
    // --terms with --digits fixes N and takes the K it needs.
    const q = program();
    await q.run('--master', cluster.url, '--digits', '100', '--terms', '2e6', '--json', '--http-port', '0');
    expect(JSON.parse(q.out[0])).toMatchObject({ terms: 2e6 });
    expect(JSON.parse(q.out[0]).digits.certified).toBe(machinPi(JSON.parse(q.out[0]).digits.decimals));
  });

  it.each([
    [['--digits', '0'], /^--digits is 0; give a whole number of decimals from 1 to \d+, e\.g\. 10000$/],
    [['--digits', '-5'], /^--digits is "-5"; give a whole number/],
    [['--digits', 'lots'], /^--digits is "lots"; give a whole number/],
    [['--digits', '1.5'], /^--digits is 1\.5, not a whole number/],
    [['--digits', '999999'], /^--digits 999999 is beyond what this daemon can certify \(at most \d+\); ask for fewer$/],
    [['--digits', '100', '--kernel', 'fast'], /^--kernel does not go with --digits/],
  ])('pi %p is refused in one line', async (args, line) => {
    const p = program();
    const err = await p.run('--master', cluster.url, ...args).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err!.message).toMatch(line);
    expect(p.out).toEqual([]);
  });

  it('prints a human summary with the fast kernel', async () => {
    const p = program();
    await p.run('--master', cluster.url, '--terms', '20000000', '--kernel', 'fast', '--http-port', '0');
    expect(p.out).toHaveLength(1);
    expect(p.out[0]).toMatch(/^π from 20000000 terms \(fast\) in \d+ chunks\nS_N {7}3\.14159260\d+ {2}± \d\.\d\de-\d+\nraw {7}3\.1415926 {2}\(7 decimals certified: the partial sum S_N\)\ncorrected 3\.14159265358979\d* {2}\(\d+ decimals certified: S_N with 2 Euler corrections\)\n[\d.]+ s, [\d.]+ M terms\/s; tasks \d+ launched, \d+ finished, 0 failed, 0 lost, 0 retried$/);
  });

  it.each([
    [['--terms', 'lots'], '--terms is "lots"; give a whole number from 1e6 to 1e15, e.g. 1e9'],
    [['--terms', '1000'], '--terms is "1000"; give a whole number from 1e6 to 1e15, e.g. 1e9'],
    [['--terms', '1000001'], '--terms is 1000001; chunks pair terms, so give an even number such as 1000002'],
    [['--kernel', 'turbo'], '--kernel is "turbo"; use precise or fast'],
    [['--master', 'ftp://10.0.0.2:5050'], '--master "ftp://10.0.0.2:5050": a master speaks http:// or https://, not ftp://; write it like http://10.0.0.2:5050'],
    [['--master', 'http://[nope'], '--master "http://[nope": not a URL; write it like http://10.0.0.2:5050'],
    [['--http-port', '70000'], '--http-port is "70000"; give a whole number from 0 to 65535'],
  ])('%j is a usage error in one line', async (args, message) => {
    await expect(program().run(...args)).rejects.toThrow(new UsageError(message));
  });

  it('runs beside a daemon that holds http.port: the executor is served on a free port unless --http-port says one', async () => {
    const daemon = createServer();
    await new Promise<void>((r) => daemon.listen(0, '127.0.0.1', r));
    const held = (daemon.address() as AddressInfo).port;
    try {
      const p = program(held);
      await p.run('--master', cluster.url, '--terms', '4e6', '--json');
      expect(JSON.parse(p.out[0]).tasks.finished).toBeGreaterThan(0);
      await expect(program().run('--master', cluster.url, '--terms', '4e6', '--http-port', String(held))).rejects.toThrow(
        `cannot serve the executor on 127.0.0.1:${held}: the address is in use; set http.bind and http.port in the config`,
      );
    } finally {
      await new Promise((r) => daemon.close(r));
    }
  });

  it('on a terminal, redraws a progress line in place on stderr while the job runs, and leaves the line clean', async () => {
    const written: string[] = [];
    const p = program(5055, { isTTY: true, columns: 200, write: (t) => written.push(t) });
    await p.run('--master', cluster.url, '--terms', '1e8', '--kernel', 'precise');
    const drawn = written.filter((w) => w !== '\r\x1b[K');
    expect(drawn.length).toBeGreaterThan(0);
    for (const w of drawn) expect(w).toMatch(/^\r\x1b\[Kπ [\d.]+[kMG]?\/100M terms \d+%, [\d.]+ [kMG]?\/s, corrected (3\.\d+|\(none yet\)), ETA (\?|(\d+[dhms] ?)+)$/);
    expect(written[written.length - 1]).toBe('\r\x1b[K');
    expect(p.out[0]).toMatch(/^π from 100000000 terms/);
  });

  it('as a child process with stderr on a pipe, draws no progress line: stderr has only log lines, stdout only the result', async () => {
    const out = join(rig.dir, 'cli');
    const cli = transpileTree(join(__dirname, '../../src/cli.ts'), out);
    transpileTree(join(__dirname, '../../src/pi/executor-main.ts'), out);
    const config = join(stateDir, 'child-config.json');
    writeFileSync(config, JSON.stringify({ masters: [cluster.url], stateDir, http: { bind: '127.0.0.1', advertiseHost: '127.0.0.1' }, pi: { nodePath: process.execPath, user: 'root' } }));
    const child = spawn(process.execPath, [cli, '--config', config, 'pi', '--terms', '1e8', '--kernel', 'fast'], { env: { ...process.env, NODE_PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stdout + stderr).not.toMatch(/[\r\x1b]|terms \d+%/);
    expect(stdout).toMatch(/π from 100000000 terms \(fast\)/);
  });

  it('gives up with the reason when no master accepts the framework', async () => {
    await expect(program().run('--master', 'http://127.0.0.1:1', '--terms', '1e6', '--connect-timeout', '1', '--http-port', '0')).rejects.toThrow(
      /^no master accepted the framework within 1 s: .*127\.0\.0\.1:1.*$/,
    );
  });
});
