// Choosing and starting the button backend. Never throws: whatever fails is logged as one line with
// its fix, and the daemon carries on with the 'none' backend.
import type { Logger } from '../../log';
import { NoneBackend, type BackendName, type ButtonBackend } from './backend';
import { GpiomonBackend, type GpiomonDeps, type GpiomonOptions } from './gpiomon';
import { OnoffBackend, type OnoffDeps, type OnoffOptions } from './onoff';
import { SupervisedButton, type SupervisorOptions } from './supervised';
import { errorLine } from '../../lib/error-line';

export type ButtonKind = 'auto' | BackendName;

export interface ButtonSetup {
  kind: ButtonKind;
  /** BCM number. */
  pin: number;
  logger: Logger;
  gpiomon?: { options?: Omit<GpiomonOptions, 'pin'>; deps?: GpiomonDeps };
  onoff?: { options?: Omit<OnoffOptions, 'pin'>; deps?: OnoffDeps };
  /** How soon a backend that died is started again. */
  retry?: SupervisorOptions;
}

/** gpiomon first: chardev works on every kernel and sets the pull-up; sysfs is the legacy fallback. */
const AUTO_ORDER: readonly BackendName[] = ['gpiomon', 'onoff'];

function create(name: BackendName, s: ButtonSetup): ButtonBackend {
  switch (name) {
    case 'gpiomon':
      return new GpiomonBackend({ ...s.gpiomon?.options, pin: s.pin }, s.gpiomon?.deps);
    case 'onoff':
      return new OnoffBackend({ ...s.onoff?.options, pin: s.pin }, s.onoff?.deps);
    case 'none':
      return new NoneBackend();
  }
}

/** Start the configured backend (or, for 'auto', the first that works) and return it, started. */
export async function openButton(setup: ButtonSetup): Promise<ButtonBackend> {
  const log = setup.logger;
  const tries = setup.kind === 'auto' ? AUTO_ORDER : setup.kind === 'none' ? [] : [setup.kind];
  for (const name of tries) {
    const backend = create(name, setup);
    try {
      await backend.start();
    } catch (err) {
      log.warn(`button: ${errorLine(err)}`);
      continue;
    }
    log.info(`button: GPIO${setup.pin} via ${name}${setup.kind === 'auto' ? ' (auto)' : ''}`);
    return new SupervisedButton(backend, () => create(name, setup), log, setup.retry);
  }
  if (setup.kind === 'none') log.info('button: none configured');
  else log.error('button: no backend could start (see above); running without the button');
  const none = new NoneBackend();
  await none.start();
  return none;
}
