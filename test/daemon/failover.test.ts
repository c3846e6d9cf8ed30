// The daemon loop against the simulated master on real loopback HTTP: it follows the leader through a
// master that dies and comes back as a non-leader redirecting to a new leader (issue 2, "Done when").
import { Daemon } from '../../src/app/daemon';
import type { Display } from '../../src/hw/display';
import { memoryLogger } from '../../src/log';
import { StateClient } from '../../src/mesos/state-client';
import { StatePoller } from '../../src/mesos/state-poller';
import type { Frame, Geometry } from '../../src/panel/frame';
import { startSimCluster, type SimCluster } from '../../src/sim';
import { DEFAULT_CONFIG } from '../../src/config';

class RecordingDisplay implements Display {
  readonly name = 'recording';
  readonly frames: Frame[] = [];
  readonly levels: string[] = [];
  closedWith: string | null = null;
  constructor(readonly geometry: Geometry) {}
  show(frame: Frame): void {
    this.frames.push(frame);
  }
  setLevel(level: 'normal' | 'dim' | 'off'): void {
    this.levels.push(level);
  }
  async close(leave: 'blank' | 'keep'): Promise<void> {
    this.closedWith = leave;
  }
  text(): string {
    const f = this.frames[this.frames.length - 1];
    return f && f.kind === 'chars' ? f.grid.lines.join('\n') : '';
  }
}

async function waitFor(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('daemon loop against the simulated master', () => {
  let cluster: SimCluster;
  let daemon: Daemon | undefined;

  afterEach(async () => {
    await daemon?.stop();
    await cluster?.close();
  });

  it('shows the cluster, then unreachable, then follows the redirect to the new leader', async () => {
    cluster = await startSimCluster({ agents: 3, seed: 7 });
    const first = cluster.masters[0];
    const log = memoryLogger();
    const display = new RecordingDisplay({ kind: 'chars', cols: 20, rows: 4 });
    const poller = new StatePoller(
      { source: new StateClient({ masters: [first.url], timeoutMs: 1000, maxBodyBytes: 1 << 24 }), logger: log.child('state') },
      { intervalMs: 200, maxBackoffMs: 400 },
    );
    daemon = new Daemon({
      log,
      display,
      state: poller,
      host: async () => ({ hostname: 'pi', addresses: ['10.0.0.2'], uptimeSeconds: 10, load1: 0.1, temperatureC: null }),
      screens: { enabled: ['overview'], autoCycleSeconds: 0 },
      burnIn: DEFAULT_CONFIG.burnIn,
      version: 'test',
      tickMs: 50,
    });
    daemon.start();

    await waitFor('the first snapshot', () => daemon!.model().snapshot?.leader === `127.0.0.1:${first.port}`);
    expect(daemon.model().snapshot?.agents).toEqual({ active: 3, inactive: 0, unreachable: 0 });
    expect(display.text()).toMatch(/3\/3ag/);

    await first.close();
    await waitFor('the unreachable screen', () => /No master/.test(display.text()));
    expect(daemon.model().source.ok).toBe(false);
    // The last good snapshot is kept, with its age, while the master is away.
    expect(daemon.model().snapshot?.agents.active).toBe(3);

    const second = await cluster.addMaster();
    cluster.failover(second);
    const back = await cluster.addMaster(first.port);
    expect(back.mode.kind).toBe('redirect');

    await waitFor('the new leader', () => daemon!.model().snapshot?.leader === `127.0.0.1:${second.port}`);
    expect(daemon.model().source.ok).toBe(true);
    await waitFor('the overview again', () => /3\/3ag/.test(display.text()));
    expect(log.lines.some((l) => /lost|unreachable|cannot reach/i.test(l))).toBe(true);

    await daemon.stop();
    expect(display.closedWith).toBe('blank');
  });
});
