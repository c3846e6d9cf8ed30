// The daemon's loop: sources → model → screen → display. It owns no I/O of its own: the state poller, the host
// reader, the π job, the button and the display are handed in, so the same loop runs on a Pi, in `demo` and
// in tests. A tick never waits on the display or the network, and nothing a source throws stops the loop.
import type { Config } from '../config';
import type { ButtonBackend, RawEdge } from '../hw/button/backend';
import { PressMachine, type ControlAction, type ControlOutcome, type PressAction } from '../hw/button/press';
import type { DisplayHealth } from './health';
import type { Display } from '../hw/display';
import type { Logger } from '../log';
import { emptyHistory, recordAllocation, type AllocationHistory } from '../panel/allocation-history';
import { DEFAULT_ATTENTION, NEW_WATCH, watch, type Watch } from '../panel/attention';
import { changeSignature, inWindow, parseNightHours, powerPolicy, powerState, type PowerLevel, type PowerPolicy } from '../panel/burnin';
import { currentEntry, cycleEntries, entriesKey, initialCycle, nextScreen, SLOT_OF_SCREEN, tickCycle, type CycleEntry, type CycleState } from '../panel/cycle';
import { sameFrame, type Frame } from '../panel/frame';
import type { HostInfo, PanelModel, UiState } from '../panel/model';
import type { SourceStatus } from '../mesos/source-status';
import type { PiView } from '../pi/view';
import { frameInputs, renderScreen, sameInputs } from '../panel/render';
import type { ClusterSnapshot } from '../mesos/snapshot';
import { errorLine } from '../lib/error-line';

export interface StateSource {
  start(): void;
  stop(): void;
  current(): { snapshot: ClusterSnapshot | null; snapshotAt: number | null; status: SourceStatus };
}

/** The π job as the daemon drives it; src/pi provides the real one. */
export interface PiController {
  view(now: number): PiView;
  start(): void;
  reset(): void;
  stop(): Promise<void>;
  /** The ledger's task counters for the current job, or null before the first; for /metrics. */
  counters?(): { launched: number; finished: number; failed: number; lost: number; retried: number } | null;
}

export interface DaemonDeps {
  log: Logger;
  display: Display;
  state: StateSource;
  host: () => Promise<HostInfo>;
  pi?: PiController;
  button?: ButtonBackend;
  screens: Config['screens'];
  burnIn: Config['burnIn'];
  /** Notices of what deserves a look; absent: none are raised. */
  attention?: Config['attention'];
  press?: { debounceMs: number; longPressMs: number };
  version: string;
  /** Wall clock in ms; injected by tests. */
  now?: () => number;
  tickMs?: number;
  hostEveryMs?: number;
  /** Called after every tick that drew; feeds the systemd watchdog. */
  onProgress?: () => void;
}

const EMPTY_HOST: HostInfo = { hostname: '?', addresses: [], uptimeSeconds: 0, load1: 0, temperatureC: null };

export class Daemon {
  private readonly now: () => number;
  private readonly policy: PowerPolicy;
  private readonly enabledSlots: Set<CycleEntry['slot']>;
  private press: PressMachine | null = null;
  private timer: NodeJS.Timeout | null = null;
  private hostTimer: NodeJS.Timeout | null = null;
  private host: HostInfo = EMPTY_HOST;
  private cycle: CycleState;
  private ui: UiState = { holdProgress: null, banner: null };
  private lastFrame: Frame | null = null;
  /** The cycle's entries and the entriesKey they were made for. */
  private madeEntries: { key: string; entries: CycleEntry[] } | null = null;
  /** What the last frame drawn was drawn from (frameInputs). */
  private drawnFrom: unknown[] | null = null;
  private level: PowerLevel = 'normal';
  private lastPress: number | null = null;
  /** Presses (and the keys or web controls standing in for them) since start; for /metrics. */
  presses = 0;
  private lastChange: number | null = null;
  private seen = '';
  private stopped = false;
  private watch: Watch = NEW_WATCH;
  private history: AllocationHistory = emptyHistory();
  /** The attention screen interrupts the cycle until then (ms), on page attentionPage. */
  private attentionUntil = 0;
  private attentionPage = 0;
  private readonly onEdge = (edge: RawEdge): void => this.press?.edge(edge);

  constructor(private readonly deps: DaemonDeps) {
    this.now = deps.now ?? Date.now;
    this.cycle = initialCycle(this.now());
    this.enabledSlots = new Set(deps.screens.enabled.map((s) => SLOT_OF_SCREEN[s]));
    this.policy = powerPolicy(deps.burnIn, deps.display.geometry.kind === 'chars' ? 'lcd' : 'oled');
  }

  start(): void {
    const { deps } = this;
    deps.state.start();
    void this.refreshHost();
    this.hostTimer = setInterval(() => void this.refreshHost(), deps.hostEveryMs ?? 10_000);
    // The press machine runs with or without a button: the web controls press through it too.
    this.press = new PressMachine({
      context: () => ({ job: this.deps.pi?.view(this.now()).state ?? 'idle', blanked: this.level === 'off' }),
      onAction: (a) => this.act(a),
      onUi: (ui) => {
        this.ui = ui;
        this.tick();
      },
      options: deps.press ? { debounceMs: deps.press.debounceMs, longMs: deps.press.longPressMs } : undefined,
    });
    deps.button?.on('edge', this.onEdge);
    this.tick();
    this.timer = setInterval(() => this.tick(), deps.tickMs ?? 250);
  }

  /** Short press, long press and their confirmations, whether from the button or from a test. */
  act(action: PressAction): void {
    const now = this.now();
    this.lastPress = now;
    this.presses++;
    const { pi, log } = this.deps;
    switch (action.type) {
      case 'next':
        // While a notice interrupts, presses page through the notices, and past the last one back to the cycle.
        if (now < this.attentionUntil) {
          this.attentionPage++;
          if (this.attentionPage >= this.watch.notices.length) this.attentionUntil = 0;
        } else this.cycle = nextScreen(this.cycle, this.entries(this.model(now)), now);
        break;
      case 'start':
        if (pi) {
          log.info('π job: start requested by the button');
          pi.start();
        }
        break;
      case 'reset':
        if (pi) {
          log.info('π job: reset requested by the button');
          pi.reset();
        }
        break;
      case 'wake':
      case 'confirm':
        break;
    }
    this.tick();
  }

  /**
   * The button's actions from elsewhere (the web controls), through the same press machine as the button:
   * next is a short press; start and reset are long presses, and a reset needs a second one within the
   * confirmation window, as on the glass. Returns what was done, or why nothing was.
   */
  control(action: ControlAction): ControlOutcome {
    const job = this.deps.pi?.view(this.now()).state;
    if (action !== 'next') {
      if (!job) return { refused: 'this panel runs no π job' };
      if (action === 'start' && job !== 'idle') return { refused: `the π job is ${job}; reset it first` };
      if (action === 'reset' && job === 'idle') return { refused: 'the π job is idle; there is nothing to reset' };
    }
    const done = this.press?.pressWhole(action === 'next' ? 'short' : 'long');
    return done ? { done } : { refused: this.press ? 'the button is being held; try again when it is released' : 'the panel is not running' };
  }

  /** A poll has answered: draw now rather than at the next tick, so the glass and the mirrors lag less. */
  redraw(): void {
    this.tick();
  }

  /** The display as /health reports it: its name, the level burn-in care set, and what is wrong with it. */
  displayHealth(): DisplayHealth {
    return { name: this.deps.display.name, level: this.level, problem: this.deps.display.problem?.() ?? null };
  }

  /** The model as it is now; public so that `status`-like tools and tests can look at what the panel sees. */
  model(now = this.now()): PanelModel {
    return this.kept(this.read(now));
  }

  /** What the sources say now: the model without what the daemon keeps from tick to tick. */
  private read(now: number): PanelModel {
    const state = this.deps.state.current();
    return {
      now,
      snapshot: state.snapshot,
      snapshotAt: state.snapshotAt,
      source: state.status,
      host: this.host,
      pi: this.deps.pi ? this.deps.pi.view(now) : null,
      ui: this.press ? this.press.ui() : this.ui,
    };
  }

  /** The model with what the daemon keeps: the notices (when attention is on) and the hour of allocation. */
  private kept(read: PanelModel): PanelModel {
    return { ...read, ...(this.deps.attention ? { attention: this.watch.notices } : {}), history: this.history };
  }

  /** Watches for what deserves a look; a notice interrupts the cycle and wakes the glass, outside quiet hours. */
  private observe(model: PanelModel, now: number): void {
    const cfg = this.deps.attention;
    if (!cfg) return;
    const r = watch(this.watch, { now, snapshot: model.snapshot, masterStartedAt: model.source.masterStartedAt, taskEnds: model.source.taskEnds }, {
      ...DEFAULT_ATTENTION,
      failuresPerMinute: cfg.failuresPerMinute,
      failureWindowMinutes: cfg.failureWindowMinutes,
    });
    this.watch = r.watch;
    if (r.raised.length === 0) return;
    for (const n of r.raised) this.deps.log.warn(`attention: ${n.text}`);
    const local = new Date(now);
    const quiet = cfg.quietHours !== null && inWindow(local.getHours() * 60 + local.getMinutes(), parseNightHours(cfg.quietHours));
    if (quiet || cfg.holdSeconds === 0) return;
    this.attentionUntil = now + cfg.holdSeconds * 1000;
    this.attentionPage = 0;
    this.lastChange = now;
  }

  /** The cycle's entries, made again only when what they are made from changed (a list of 1,000 agents has 200 pages). */
  private entries(model: PanelModel): CycleEntry[] {
    const key = entriesKey(model);
    if (this.madeEntries?.key === key) return this.madeEntries.entries;
    const all = cycleEntries(model, this.deps.display.geometry);
    // The main slot also carries boot and unreachable, which must show whatever the user enabled.
    const kept = all.filter((e) => this.enabledSlots.has(e.slot) || e.slot === 'attention' || (e.slot === 'main' && e.screen !== 'overview'));
    const entries = kept.length ? kept : all.slice(0, 1);
    this.madeEntries = { key, entries };
    return entries;
  }

  private tick(): void {
    if (this.stopped) return;
    try {
      const now = this.now();
      // The sources are read once a tick; what observing them changes (the notices, the hour) is kept after.
      const seen = this.read(now);
      this.observe(seen, now);
      if (seen.snapshot && seen.snapshotAt !== null) this.history = recordAllocation(this.history, seen.snapshotAt, seen.snapshot);
      const model = this.kept(seen);
      const entries = this.entries(model);
      this.cycle = tickCycle(this.cycle, entries, now, { autoAdvanceMs: this.deps.screens.autoCycleSeconds * 1000 });
      const entry: CycleEntry = now < this.attentionUntil ? { slot: 'attention', screen: 'attention', page: this.attentionPage } : currentEntry(this.cycle, entries);
      const sig = changeSignature(model, entry);
      if (sig !== this.seen) {
        this.seen = sig;
        this.lastChange = now;
      }
      const power = powerState(this.policy, { now, lastPress: this.lastPress, lastChange: this.lastChange });
      if (power.level !== this.level) {
        this.level = power.level;
        this.deps.display.setLevel(power.level);
      }
      this.draw(entry, model, power.offset);
      this.deps.onProgress?.();
    } catch (err) {
      // A bug in one frame must not take the panel down; the next tick tries again.
      this.deps.log.error(`panel: drawing failed: ${errorLine(err)}`);
    }
  }

  /**
   * Draws the entry and shows the frame if it differs from the last one shown; draws nothing when what the frame is
   * drawn from has not changed since the last drawing (most ticks: the panel ticks four times a second so that a
   * change reaches the glass within a quarter of a second, and most quarters bring none).
   */
  private draw(entry: CycleEntry, model: PanelModel, offset: { x: number; y: number }): void {
    const { geometry } = this.deps.display;
    const opts = { page: entry.page, offset, version: this.deps.version };
    const inputs = frameInputs(entry.screen, model, geometry, opts);
    if (sameInputs(this.drawnFrom, inputs)) return;
    const frame = renderScreen(entry.screen, model, geometry, opts);
    this.drawnFrom = inputs;
    if (!sameFrame(this.lastFrame, frame)) {
      this.lastFrame = frame;
      this.deps.display.show(frame);
    }
  }

  private async refreshHost(): Promise<void> {
    try {
      this.host = await this.deps.host();
    } catch (err) {
      this.deps.log.debug(`host info: ${errorLine(err)}`);
    }
  }

  /**
   * Stop everything in reverse order of start. `blank` (a service stop) leaves the display dark and asleep;
   * `halted` (system shutdown) leaves a message on the glass, since the 3V3 rail often stays up after halt.
   */
  async stop(leave: 'blank' | 'halted' = 'blank'): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.hostTimer) clearInterval(this.hostTimer);
    const { deps } = this;
    deps.button?.off('edge', this.onEdge);
    this.press?.stop();
    const quietly = async (what: string, fn: () => Promise<void> | void): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        deps.log.warn(`stop: ${what}: ${errorLine(err)}`);
      }
    };
    await quietly('button', () => deps.button?.stop());
    await quietly('π job', () => deps.pi?.stop());
    await quietly('state poller', () => deps.state.stop());
    if (leave === 'halted') {
      await quietly('display', () => {
        deps.display.setLevel('normal');
        deps.display.show(renderScreen('message', this.model(), deps.display.geometry, { message: 'halted' }));
      });
    }
    await quietly('display', () => deps.display.close(leave === 'halted' ? 'keep' : 'blank'));
  }
}
