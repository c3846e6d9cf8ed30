// Builds the running panel from a resolved config: the state source, host info, button, display and π job,
// handed to the Daemon loop. `run` and `demo` both start the panel through here, so the demo is the daemon.
// The panel host owns the HTTP server: the web face is on it from the start, and the π framework, when there
// is one, serves the executor on it too.
import type { Config } from '../config';
import { Daemon, type PiController } from './daemon';
import type { ButtonBackend } from '../hw/button/backend';
import { openButton } from '../hw/button/select';
import type { Display } from '../hw/display';
import type { BusDisplay } from '../hw/display/runner';
import { readHostInfo } from '../hw/host-info';
import type { Logger } from '../log';
import { readControlSecret } from '../master-access';
import { VERSION } from '../version';
import { HttpHost } from '../lib/http-host';
import { WebFace } from '../web/web-face';
import { panelHealth, staleAfterMs } from './health';
import { displayFromConfig } from './display-factory';
import type { PiHost } from './pi-host';
import { liveStateSource } from './state-source';

export interface PanelHostOptions {
  config: Config;
  log: Logger;
  /** Overrides config.display (demo draws to the terminal whatever the config says). */
  display?: Display;
  /** Overrides config.button (demo has no button). */
  button?: ButtonBackend;
  /**
   * Starts the π job on the panel's HTTP server; when it serves the executor (startPi's PiHost), /health
   * reports this panel.
   */
  pi?: (http: HttpHost) => Promise<PiController | PiHost>;
  /** Picture pixels per display pixel when display.kind is png. */
  pngScale?: number;
  onProgress?: () => void;
}

export interface PanelHost {
  daemon: Daemon;
  display: Display;
  http: HttpHost;
  web: WebFace;
  stop(leave?: 'blank' | 'halted'): Promise<void>;
}

export async function startPanel(o: PanelHostOptions): Promise<PanelHost> {
  const { config, log } = o;
  // Read before anything listens: a secret file anyone can read stops the start with one line.
  const secret = config.web.controls && config.web.secretFile ? readControlSecret(config.web.secretFile) : null;
  const http = await HttpHost.start({
    bind: config.http.bind,
    port: config.http.port,
    serves: 'the panel',
    notFound: 'not found: this server serves the panel at / and the executor at /executor.js',
    logger: log.child('http'),
  });
  const web = new WebFace(http, { maxClients: config.web.maxClients, log: log.child('web') });
  let pi: PiController | PiHost | undefined;
  try {
    pi = await o.pi?.(http);
    return await startDaemon(o, http, web, pi, secret);
  } catch (err) {
    // Nothing left listening or registered behind a panel that did not start.
    await pi?.stop().catch(() => undefined);
    web.close();
    await http.close();
    throw err;
  }
}

async function startDaemon(o: PanelHostOptions, http: HttpHost, web: WebFace, pi: PiController | PiHost | undefined, secret: string | null): Promise<PanelHost> {
  const { config, log } = o;
  const display = o.display ?? displayFromConfig(config, log.child('display'), o.pngScale);
  const poller = liveStateSource(config, log.child('state'), {
    // Polls start with the daemon, after /metrics is mounted below.
    observePoll: (seconds) => metrics.observePoll(seconds),
    onChange: () => daemon.redraw(),
  });
  const button = o.button ?? (await openButton({ kind: config.button.backend, pin: config.button.pin, logger: log }));
  const daemon = new Daemon({
    log,
    display: web.display(display),
    state: poller,
    host: () => readHostInfo({ logger: log.child('host') }),
    pi,
    button,
    screens: config.screens,
    burnIn: config.burnIn,
    attention: config.attention,
    press: { debounceMs: config.button.debounceMs, longPressMs: config.button.longPressMs },
    version: VERSION,
    onProgress: o.onProgress,
  });
  const metrics = web.metrics(http, {
    model: () => daemon.model(),
    piCounters: () => pi?.counters?.() ?? null,
    presses: () => daemon.presses,
    i2cBytes: () => ('sent' in display ? (display as BusDisplay).sent.bytes : null),
    displayFaults: () => ('faults' in display ? (display as BusDisplay).faults : null),
  });
  web.controls(http, { secret, press: (action) => daemon.control(action) });
  daemon.start();
  if (pi && 'files' in pi) {
    const staleMs = staleAfterMs(config);
    pi.files.setHealth(() => panelHealth(daemon.model(), daemon.displayHealth(), staleMs));
  }
  log.info(`panel: ${display.name} ${display.geometry.kind === 'pixels' ? `${display.geometry.width}x${display.geometry.height}` : `${display.geometry.cols}x${display.geometry.rows}`}, masters ${config.masters.join(', ')}`);
  log.info(`panel in the browser: ${http.url('/', config.http.advertiseHost)}`);
  if (secret) log.info(`web: controls on (next, start, reset), signed with the secret in ${config.web.secretFile}`);
  return {
    daemon,
    display,
    http,
    web,
    stop: async (leave) => {
      await daemon.stop(leave);
      web.close();
      await http.close();
    },
  };
}
