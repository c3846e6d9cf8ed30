// Builds the running panel from a resolved config: the state source, host info, button, display and π job,
// handed to the Daemon loop. `run` and `demo` both start the panel through here, so the demo is the daemon.
import type { Config } from '../config';
import { Daemon, type PiController } from './daemon';
import type { ButtonBackend } from '../hw/button/backend';
import { openButton } from '../hw/button/select';
import type { Display } from '../hw/display';
import { readHostInfo } from '../hw/host-info';
import type { Logger } from '../log';
import { VERSION } from '../version';
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
  /** The π job; when it serves the executor (startPi's PiHost), its server's /health reports this panel. */
  pi?: PiController | PiHost;
  /** Picture pixels per display pixel when display.kind is png. */
  pngScale?: number;
  onProgress?: () => void;
}

export interface PanelHost {
  daemon: Daemon;
  display: Display;
  stop(leave?: 'blank' | 'halted'): Promise<void>;
}

export async function startPanel(o: PanelHostOptions): Promise<PanelHost> {
  const { config, log } = o;
  const display = o.display ?? displayFromConfig(config, log.child('display'), o.pngScale);
  const poller = liveStateSource(config, log.child('state'));
  const button = o.button ?? (await openButton({ kind: config.button.backend, pin: config.button.pin, logger: log }));
  const daemon = new Daemon({
    log,
    display,
    state: poller,
    host: () => readHostInfo({ logger: log.child('host') }),
    pi: o.pi,
    button,
    screens: config.screens,
    burnIn: config.burnIn,
    attention: config.attention,
    press: { debounceMs: config.button.debounceMs, longPressMs: config.button.longPressMs },
    version: VERSION,
    onProgress: o.onProgress,
  });
  daemon.start();
  if (o.pi && 'files' in o.pi) {
    const staleMs = staleAfterMs(config);
    o.pi.files.setHealth(() => panelHealth(daemon.model(), daemon.displayHealth(), staleMs));
  }
  log.info(`panel: ${display.name} ${display.geometry.kind === 'pixels' ? `${display.geometry.width}x${display.geometry.height}` : `${display.geometry.cols}x${display.geometry.rows}`}, masters ${config.masters.join(', ')}`);
  return { daemon, display, stop: (leave) => daemon.stop(leave) };
}
