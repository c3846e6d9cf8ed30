// /metrics in the Prometheus text format, through prom-client. Every figure is read from the daemon's own
// model and counters when Prometheus scrapes (a collect callback), never from a poll of its own: the cluster
// as the last good /state showed it, the π job as the ledger counts it, and the panel itself (polls, the
// display's I2C traffic and faults, the button, the event loop, the web face's browsers).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PanelModel } from '../panel/model';
import type { PiView } from '../pi/view';
import { RESOURCES, type ClusterSnapshot } from '../mesos/snapshot';
import type { StateFetcher } from '../mesos/state-poller';

/** The ledger's task counters for the running or last job. */
export interface PiCounters {
  launched: number;
  finished: number;
  failed: number;
  lost: number;
  retried: number;
}

export interface MetricsSources {
  model(): PanelModel;
  piCounters(): PiCounters | null;
  /** Button presses (and their stand-ins) since start. */
  presses(): number;
  /** Bytes written to the display's I2C bus since start, or null for a display that is not on I2C. */
  i2cBytes(): number | null;
  /** Failed display writes and re-initialisations since start, or null for a display that is not on I2C. */
  displayFaults(): { errors: number; reinits: number } | null;
  /** Live mirror streams and those dropped for reading too slowly. */
  web(): { clients: number; dropped: number };
}

const PREFIX = 'mesos_panel_';
const TASK_OUTCOMES = ['launched', 'finished', 'failed', 'lost', 'retried'] as const;

/** Digits after the decimal point of a certified string such as "3.14159"; 0 when none are certified. */
const decimals = (digits: string): number => (digits.includes('.') ? digits.length - digits.indexOf('.') - 1 : 0);

/** A counter kept elsewhere, reported as it stands at scrape time. */
function mirrorCounter(c: Counter, value: number): void {
  c.reset();
  c.inc(value);
}

export class PanelMetrics {
  readonly registry = new Registry();
  private readonly pollSeconds: Histogram;

  constructor(s: MetricsSources) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: PREFIX, eventLoopMonitoringPrecision: 20 });
    this.pollSeconds = new Histogram({ name: `${PREFIX}poll_duration_seconds`, help: 'Time a /state poll of the master took, answered or not.', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [r] });

    // Each gauge reads the model when scraped; a gauge whose source has nothing (no snapshot yet, no π job)
    // is left empty rather than reporting a stale or made-up figure.
    const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, m: PanelModel) => void): void => {
      const g: Gauge = new Gauge({
        name: PREFIX + name,
        help,
        labelNames,
        registers: [r],
        collect: () => {
          g.reset();
          fill(g, s.model());
        },
      });
    };
    const cluster = (name: string, help: string, labelNames: string[], fill: (g: Gauge, snap: ClusterSnapshot) => void) =>
      gauge(`cluster_${name}`, help, labelNames, (g, m) => m.snapshot && fill(g, m.snapshot));
    cluster('resource', 'Cluster resources from the last good /state (mem and disk in MB).', ['resource', 'kind'], (g, snap) => {
      for (const name of RESOURCES) for (const kind of ['total', 'used', 'offered', 'free'] as const) g.set({ resource: name, kind }, snap[name][kind]);
    });
    cluster('agents', 'Agents by state.', ['state'], (g, snap) => {
      for (const state of ['active', 'inactive', 'unreachable'] as const) g.set({ state }, snap.agents[state]);
    });
    cluster('frameworks', 'Active frameworks.', [], (g, snap) => g.set(snap.frameworks.active));
    cluster('frameworks_registered', 'Registered frameworks, connected or not (they still hold their tasks).', [], (g, snap) => g.set(snap.frameworks.registered));
    cluster('tasks', 'Tasks by state over every framework.', ['state'], (g, snap) => {
      for (const [state, n] of Object.entries(snap.tasks)) g.set({ state }, n);
    });
    cluster('leader_info', 'The leading master (host:port) and its version; 1 while known.', ['leader', 'version'], (g, snap) => {
      if (snap.leader) g.set({ leader: snap.leader, version: snap.version ?? '' }, 1);
    });
    gauge('master_up', '1 when the last poll of the master succeeded.', [], (g, m) => g.set(m.source.ok ? 1 : 0));
    gauge('snapshot_age_seconds', 'Age of the last good answer from the master.', [], (g, m) => {
      if (m.snapshotAt !== null) g.set(Math.max(0, (m.now - m.snapshotAt) / 1000));
    });

    const pi = (name: string, help: string, labelNames: string[], fill: (g: Gauge, view: PiView) => void) => gauge(`pi_${name}`, help, labelNames, (g, m) => m.pi && fill(g, m.pi));
    pi('job_state', '1 for the state the π job is in.', ['state'], (g, v) => {
      for (const state of ['idle', 'running', 'done', 'error']) g.set({ state }, v.state === state ? 1 : 0);
    });
    pi('terms_done', 'Terms of the series summed so far.', [], (g, v) => g.set(v.termsDone));
    pi('terms_planned', 'Terms the job sums in all.', [], (g, v) => g.set(v.termsTotal));
    pi('terms_per_second', 'Terms summed per second, recently.', [], (g, v) => g.set(v.termsPerSecond));
    pi('certified_digits', 'Certified decimals of the raw sum and of the corrected estimate.', ['estimate'], (g, v) => {
      g.set({ estimate: 'raw' }, decimals(v.rawDigits));
      g.set({ estimate: 'corrected' }, decimals(v.correctedDigits));
    });
    pi('tasks_running', 'π tasks running now.', [], (g, v) => g.set(v.tasks.running));
    const taskEvents: Counter = new Counter({
      name: `${PREFIX}pi_tasks`,
      help: 'π tasks of the current job by outcome.',
      labelNames: ['outcome'],
      registers: [r],
      collect: () => {
        taskEvents.reset();
        const c = s.piCounters();
        if (c) for (const outcome of TASK_OUTCOMES) taskEvents.inc({ outcome }, c[outcome]);
      },
    });

    // Counters the daemon and the display keep, reported as they stand when scraped.
    const kept = (name: string, help: string, read: () => number): void => {
      const c: Counter = new Counter({ name: PREFIX + name, help, registers: [r], collect: () => mirrorCounter(c, read()) });
    };
    kept('button_presses', 'Button presses since start.', () => s.presses());
    kept('i2c_bytes_written', "Bytes written to the display's I2C bus since start.", () => s.i2cBytes() ?? 0);
    kept('display_errors', 'Failed writes to the display since start (every retry counts).', () => s.displayFaults()?.errors ?? 0);
    kept('display_reinits', 'Times the display was re-initialised after it stopped answering, since start.', () => s.displayFaults()?.reinits ?? 0);
    kept('web_clients_dropped', 'Browsers dropped for reading too slowly.', () => s.web().dropped);
    const clients: Gauge = new Gauge({ name: `${PREFIX}web_clients`, help: 'Browsers connected to the mirror.', registers: [r], collect: () => clients.set(s.web().clients) });
  }

  /** Records one poll of the master. */
  observePoll(seconds: number): void {
    this.pollSeconds.observe(seconds);
  }

  async text(): Promise<{ body: string; type: string }> {
    return { body: await this.registry.metrics(), type: this.registry.contentType };
  }
}

/** The state client as the poller uses it, timing every poll for poll_duration_seconds. */
export function timedPolls(client: StateFetcher, observe: (seconds: number) => void): StateFetcher {
  return {
    get lastTried() {
      return client.lastTried;
    },
    fetchState: async () => {
      const started = performance.now();
      try {
        return await client.fetchState();
      } finally {
        observe((performance.now() - started) / 1000);
      }
    },
  };
}
