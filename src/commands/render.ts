import * as fs from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../cli-errors';
import { frameToPng } from '../hw/png';
import { renderThroughEmulator } from '../sim/i2c/render-through';
import { DISPLAY_KIND_NAMES, isDisplayKind, orList, sizeProblem } from '../hw/display-kinds';
import { parseLedger } from '../pi/ledger-store';
import { piView } from '../pi/view';
import { readHostInfo } from '../hw/host-info';
import { geometryOf, SIZES } from '../panel/frame';
import type { PanelModel } from '../panel/model';
import type { PiView } from '../pi/view';
import { isScreenName, renderScreen, SCREEN_NAMES, type ScreenName } from '../panel/render';
import { VERSION } from '../version';
import type { CommandContext } from './context';
import { intOption, sizeOption } from './options';
import { loadSnapshot, mastersFor } from './snapshot-source';

interface RenderOptions {
  master?: string;
  stateFile?: string;
  screen: string;
  size: string;
  png: string;
  scale: string;
  page: string;
  message?: string;
  display?: string;
  i2cTrace?: string;
  ledger?: string;
}

/**
 * The model a one-shot render draws: the snapshot as read, this host, and the source's state. A master that does
 * not answer fails the command, except for the `unreachable` screen, drawn from that failure on purpose. The pi
 * screen of a saved job needs no cluster at all.
 */
export async function oneShotModel(opts: RenderOptions, ctx: CommandContext, screen: ScreenName, pi: PiView | null): Promise<PanelModel> {
  const now = Date.now();
  const base = { now, host: await readHostInfo(), pi, ui: { holdProgress: null, banner: null } };
  if (screen === 'pi' && opts.ledger && opts.master === undefined && opts.stateFile === undefined) {
    return { ...base, snapshot: null, snapshotAt: null, source: { master: opts.ledger, ok: true, downSince: null, lastError: null } };
  }
  const config = ctx.config();
  try {
    const { snapshot, from } = await loadSnapshot(opts, config);
    return { ...base, snapshot, snapshotAt: now, source: { master: from, ok: true, downSince: null, lastError: null } };
  } catch (err) {
    const masters = mastersFor(opts, config);
    if (screen !== 'unreachable' || !masters || err instanceof UsageError) throw err;
    return { ...base, snapshot: null, snapshotAt: null, source: { master: masters[0], ok: false, downSince: now, lastError: (err as Error).message } };
  }
}

/** The pi screen's view of a job saved by the daemon, as the daemon would show it now. */
function savedPiView(file: string, corrections: number): PiView {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--ledger ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const now = Date.now();
  try {
    return piView(parseLedger(text, now), now, { problem: null, corrections });
  } catch (err) {
    throw new UsageError(`--ledger ${file}: ${(err as Error).message}`);
  }
}

function writeOut(flag: string, file: string, data: Buffer | string): void {
  try {
    fs.writeFileSync(file, data);
  } catch (err) {
    throw new UsageError(`${flag} ${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export function registerRender(program: Command, ctx: CommandContext): void {
  program
    .command('render')
    .description('draw one screen from a master or a saved /state file into a PNG')
    .option('--master <url>', 'a master URL (default: the configured masters)')
    .option('--state-file <file>', 'a saved /master/state JSON document')
    .requiredOption('--screen <name>', `one of ${SCREEN_NAMES.join(', ')}`)
    .option('--size <WxH>', `one of ${SIZES.join(', ')}`, '128x64')
    .requiredOption('--png <file>', 'where to write the picture')
    .option('--scale <k>', 'image pixels per display pixel (with --display too: exactly k per pixel of the glass)', '1')
    .option('--page <n>', 'page of a paged screen (agents, frameworks)', '0')
    .option('--message <text>', 'text of the message screen')
    .option('--display <kind>', `draw through our real driver onto an emulated ${orList(DISPLAY_KIND_NAMES)}; the PNG is its glass`)
    .option('--ledger <file>', "a saved π job (the daemon's stateDir/pi-ledger.json) for the pi screen")
    .option('--i2c-trace <file>', 'with --display: every I2C transaction from power-on, as JSON lines')
    .action(async (opts: RenderOptions) => {
      if (opts.display !== undefined && !isDisplayKind(opts.display)) {
        throw new UsageError(`--display "${opts.display}" is not an emulated display; use one of ${DISPLAY_KIND_NAMES.join(', ')}`);
      }
      if (opts.i2cTrace && !opts.display) throw new UsageError(`--i2c-trace needs --display ${orList(DISPLAY_KIND_NAMES)}`);
      if (!isScreenName(opts.screen)) throw new UsageError(`--screen "${opts.screen}" is not a screen; use one of ${SCREEN_NAMES.join(', ')}`);
      const size = sizeOption('--size', opts.size);
      const wrongSize = opts.display && sizeProblem(opts.display, size);
      if (wrongSize) throw new UsageError(`--size ${size} with --display ${opts.display}: ${wrongSize}`);
      const scale = intOption('--scale', opts.scale, 1, 32);
      const page = intOption('--page', opts.page, 0, 10_000);
      const model = await oneShotModel(opts, ctx, opts.screen, opts.ledger ? savedPiView(opts.ledger, ctx.config().pi.corrections) : null);
      const frame = renderScreen(opts.screen, model, geometryOf(size), { page, message: opts.message, version: VERSION });
      let png = frameToPng(frame, scale);
      if (opts.display) {
        const config = ctx.config();
        const glass = await renderThroughEmulator(frame, {
          kind: opts.display,
          size,
          rotation: config.display.rotation,
          columnOffset: config.display.columnOffset,
          scale,
        }).catch((err: Error) => {
          throw new UsageError(`--display ${opts.display}: ${err.message}`);
        });
        png = glass.glassPng;
        if (opts.i2cTrace) writeOut('--i2c-trace', opts.i2cTrace, glass.trace.map((t) => JSON.stringify(t)).join('\n') + '\n');
      }
      writeOut('--png', opts.png, png);
    });
}
