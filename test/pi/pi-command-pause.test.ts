// `mesos-panel pi` on a cluster where the job cannot run: it ends with the pause's one line (the CLI exits 1
// with it), instead of churning failed tasks forever.
import { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerPi } from '../../src/commands/pi';
import type { CommandContext } from '../../src/commands/context';
import { resolveConfig } from '../../src/config';
import { memoryLogger } from '../../src/log';
import type { SimCluster } from '../../src/sim';
import { PiRig } from './pi-harness';

describe('mesos-panel pi with a wrong setting', () => {
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

  it('fails with the cause and its fix when node is not at pi.nodePath', async () => {
    const config = resolveConfig([
      { source: 'test', values: { masters: [cluster.url], stateDir, http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' }, pi: { nodePath: '/opt/nowhere/bin/node', user: 'root' } } },
    ]);
    const out: string[] = [];
    const ctx: CommandContext = { config: () => config, out: (t) => out.push(t), log: memoryLogger(), configFile: () => undefined };
    const p = new Command('mesos-panel').exitOverride();
    registerPi(p, ctx, { bundle: () => rig.bundle });
    const run = p.parseAsync(['node', 'mesos-panel', 'pi', '--terms', '1e8']);
    await expect(run).rejects.toThrow(
      /^π job paused after \d+ failed tasks with no success: Failed to execute '\/opt\/nowhere\/bin\/node': No such file or directory \(on every agent that offers .*\); fix: install Node\.js 18 or newer at \/opt\/nowhere\/bin\/node .*or set pi\.nodePath to where node is on the agents$/,
    );
    expect(out).toEqual([]);
    // The one-shot framework is torn down: nothing of it runs on.
    expect([...cluster.model.frameworks.values()].filter((f) => f.active && !f.background)).toEqual([]);
  });
});
