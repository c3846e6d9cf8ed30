// `mesos-panel doctor`: checks what a new install usually gets wrong (I2C enabled, permissions, the display's
// address, the master, the button) and prints what to fix, one line each.
import type { Command } from 'commander';
import type { PromisifiedBus } from 'i2c-bus';
import type { Config } from '../config';
import { masterAccess } from '../master-access';
import type { ButtonBackend, ButtonError } from '../hw/button/backend';
import { GpiomonBackend } from '../hw/button/gpiomon';
import { OnoffBackend } from '../hw/button/onoff';
import type { Finding } from '../hw/finding';
import { checkI2c } from '../hw/i2c-doctor';
import { DISPLAY_KINDS, isDisplayKind } from '../hw/display-kinds';
import { StateClient } from '../mesos/state-client';
import type { CommandContext } from './context';

async function checkMaster(config: Config): Promise<Finding> {
  try {
    const client = new StateClient({
      masters: config.masters,
      timeoutMs: config.requestTimeoutMs,
      maxBodyBytes: config.maxStateBytes,
      ...masterAccess(config),
    });
    const { snapshot, master } = await client.fetchState();
    return {
      ok: true,
      check: 'master',
      detail: `${master} answers; leader ${snapshot.leader ?? '?'}, Mesos ${snapshot.version ?? '?'}, ${snapshot.agents.active} active agents`,
    };
  } catch (err) {
    return { ok: false, check: 'master', detail: (err as Error).message, fix: 'set "masters" in the config to the URLs of your masters, e.g. http://10.0.0.2:5050' };
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
      problems.push((err as ButtonError).message);
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
    .action(async () => {
      const config = ctx.config();
      const findings = [...(await checkDisplay(config)), await checkMaster(config), await checkButton(config)];
      for (const f of findings) ctx.out(formatFinding(f));
      const failed = findings.filter((f) => !f.ok).length;
      if (failed) throw new Error(`${failed} problem${failed > 1 ? 's' : ''} found (see the fixes above)`);
      ctx.out('all good');
    });
}
