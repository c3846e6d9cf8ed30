// `mesos-panel doctor`: checks what a new install usually gets wrong (I2C enabled, permissions, the display's
// address, the master, the button) and prints what to fix, one line each.
import type { Command } from 'commander';
import type { PromisifiedBus } from 'i2c-bus';
import type { Config } from '../config';
import { masterAccess, stateClientFor } from '../master-access';
import type { ButtonBackend } from '../hw/button/backend';
import { GpiomonBackend } from '../hw/button/gpiomon';
import { OnoffBackend } from '../hw/button/onoff';
import type { Finding } from '../hw/finding';
import { checkI2c } from '../hw/i2c-doctor';
import { HttpError } from '../mesos/http';
import { DISPLAY_KINDS, isDisplayKind } from '../hw/display-kinds';
import type { CommandContext } from './context';
import { checkCluster } from './doctor-cluster';
import { errorLine, errorMessage } from '../lib/error-line';

/**
 * A failed check in the error's own words. Errors here say "problem; what to do", so the part after the last
 * "; " is the fix; an error that names no fix gets `fallback`.
 */
export function failure(check: string, err: unknown, fallback: string): Finding {
  const message = errorMessage(err);
  const cut = message.lastIndexOf('; ');
  if (cut < 0) return { ok: false, check, detail: message, fix: fallback };
  return { ok: false, check, detail: message.slice(0, cut), fix: message.slice(cut + 2) };
}

// These answers mean the URL does not lead to a master, so the masters list is what to fix.
const WRONG_MASTER: ReadonlySet<string> = new Set(['unreachable', 'bad-url', 'not-found', 'not-json', 'status']);

async function checkMaster(config: Config): Promise<Finding> {
  let access: ReturnType<typeof masterAccess>;
  try {
    access = masterAccess(config);
  } catch (err) {
    return failure('master', err, 'fix credentialsFile and caFile in the config');
  }
  try {
    const client = stateClientFor(config, access);
    const { snapshot, master } = await client.fetchState();
    return {
      ok: true,
      check: 'master',
      detail: `${master} answers; leader ${snapshot.leader ?? '?'}, Mesos ${snapshot.version ?? '?'}, ${snapshot.agents.active} active agents`,
    };
  } catch (err) {
    const found = failure('master', err, 'check that a master runs at the configured URLs');
    const setMasters = 'set "masters" in the config to your masters, e.g. http://10.0.0.2:5050, or try one with --master URL';
    return err instanceof HttpError && WRONG_MASTER.has(err.kind) ? { ...found, fix: `${found.fix}; ${setMasters}` } : found;
  }
}

async function checkButton(config: Config): Promise<Finding> {
  const { backend, pin } = config.button;
  if (backend === 'none') return { ok: true, check: 'button', detail: 'none configured' };
  const candidates: ButtonBackend[] = [];
  if (backend === 'auto' || backend === 'gpiomon') candidates.push(new GpiomonBackend({ pin }));
  if (backend === 'auto' || backend === 'onoff') candidates.push(new OnoffBackend({ pin }));
  const problems: string[] = [];
  for (const b of candidates) {
    try {
      await b.start();
      await b.stop();
      return { ok: true, check: 'button', detail: `GPIO${pin} via ${b.name}` };
    } catch (err) {
      problems.push(errorLine(err));
    }
  }
  return { ok: false, check: 'button', detail: problems.join('; '), fix: 'the panel runs without a button until this is fixed; see wiring/button.md' };
}

async function checkDisplay(config: Config): Promise<Finding[]> {
  const d = config.display;
  const kind = d.kind;
  if (!isDisplayKind(kind)) return [{ ok: true, check: 'display', detail: `kind ${kind}: no I2C to check` }];
  let opened: Promise<PromisifiedBus> | undefined;
  const bus = () => (opened ??= (require('i2c-bus') as typeof import('i2c-bus')).openPromisified(d.bus));
  return checkI2c({ bus: d.bus, kind, expectAddress: d.address ?? DISPLAY_KINDS[kind].defaultAddress, scan: async () => (await bus()).scan(), probeBus: bus });
}

export function formatFinding(f: Finding): string {
  return `${f.ok ? 'ok  ' : 'FAIL'} ${f.check}: ${f.detail}${!f.ok && f.fix ? `\n     fix: ${f.fix}` : ''}`;
}

export function registerDoctor(program: Command, ctx: CommandContext): void {
  program
    .command('doctor')
    .description('check I2C, the display, the master and the button, and say what to fix')
    .option('--master <url...>', 'check these master URLs instead of masters in the config')
    .option('--cluster', 'instead, launch one tiny π task per agent and say what each needs (node, user, executor URL, sandbox)')
    .action(async (opts: { master?: string[]; cluster?: boolean }) => {
      const config = ctx.config(opts.master ? { masters: opts.master } : undefined);
      const findings = opts.cluster
        ? await checkCluster(config, { log: ctx.log })
        : [...(await checkDisplay(config)), await checkMaster(config), await checkButton(config)];
      for (const f of findings) ctx.out(formatFinding(f));
      const failed = findings.filter((f) => !f.ok).length;
      if (failed) throw new Error(`${failed} problem${failed > 1 ? 's' : ''} found (see the fixes above)`);
      ctx.out('all good');
    });
}
