// With pi.digits set, the daemon's long press (and pi.autoStart) starts a job asked for by digits: planned for
// the cluster the master describes, said in the log, certified and checked; a plan that cannot be made is one
// warning and nothing starts. Against the simulated cluster, through startPi as run and demo use it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPi, type PiHost } from '../../src/app/pi-host';
import { resolveConfig } from '../../src/config';
import { memoryLogger } from '../../src/log';
import type { SimCluster } from '../../src/sim';
import { PiRig, until } from './pi-harness';
import { machinPi } from './reference';

describe('a digits job from the long press', () => {
  let rig: PiRig;
  let cluster: SimCluster;
  let stateDir: string;
  let host: PiHost | null = null;

  beforeAll(async () => {
    rig = new PiRig();
    cluster = await rig.cluster();
  });
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'pi-press-'));
  });
  afterEach(async () => {
    await host?.stop();
    host = null;
    rmSync(stateDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await cluster.close();
    rig.close();
  });

  const configFor = (masters: string[], pi: Record<string, unknown>) =>
    resolveConfig([{ source: 'test', values: { masters, stateDir, http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' }, pi: { nodePath: process.execPath, user: 'root', taskCpus: 1, ...pi } } }]);

  it('plans for the cluster, says why, and certifies at least the decimals asked for, every one right', async () => {
    const log = memoryLogger();
    host = await startPi({ config: configFor([cluster.url], { digits: 200 }), log, bundle: rig.bundle });
    host.start();
    await until('the certified digits', () => host!.service.job?.final?.kind === 'certified', 60_000);
    const final = host.service.job!.final!;
    if (final.kind !== 'certified') throw new Error('not certified');
    expect(final.decimals).toBeGreaterThanOrEqual(200);
    expect(final.digits).toBe(machinPi(final.decimals));
    expect(log.lines.filter((l) => l.startsWith('π digits job: N = '))).toHaveLength(1);
    expect(host.service.job!.data.spec.kernel).toBe('exact');
  });

  it('starts nothing when the master cannot be read, and says so in one warning', async () => {
    const log = memoryLogger();
    host = await startPi({ config: configFor(['http://127.0.0.1:1'], { digits: 200 }), log, bundle: rig.bundle });
    host.start();
    await until('the warning', () => log.lines.some((l) => l.startsWith('warn: π digits job not started: cannot plan 200 digits: ')), 20_000);
    expect(host.service.job).toBeNull();
  });
});
