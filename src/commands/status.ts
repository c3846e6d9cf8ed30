import type { Command } from 'commander';
import { toStatusJson } from '../mesos/status-json';
import type { ClusterSnapshot, ResourceUse } from '../mesos/snapshot';
import { loadSnapshot } from './snapshot-source';
import type { CommandContext } from './context';

function human(s: ClusterSnapshot, from: string): string {
  const r = (name: string, u: ResourceUse, unit = '') =>
    `${name.padEnd(6)} total ${u.total}${unit}  used ${u.used}${unit}  offered ${u.offered}${unit}  free ${u.free}${unit}`;
  const tasks = Object.entries(s.tasks).map(([k, v]) => `${k.replace(/^TASK_/, '').toLowerCase()} ${v}`).join(', ') || 'none';
  return [
    `master ${s.leader ?? 'unknown'} (Mesos ${s.version ?? '?'}) from ${from}`,
    `agents ${s.agents.active} active, ${s.agents.inactive} inactive, ${s.agents.unreachable} unreachable`,
    r('cpus', s.cpus),
    r('mem', s.mem, ' MB'),
    r('disk', s.disk, ' MB'),
    r('gpus', s.gpus),
    `frameworks ${s.frameworks.active} active; tasks: ${tasks}`,
  ].join('\n');
}

export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description('print what the cluster has and uses, from a master or a saved /state file')
    .option('--master <url>', 'a master URL, e.g. http://10.0.0.2:5050 (default: the configured masters; redirects to the leader are followed)')
    .option('--state-file <file>', 'a saved /master/state JSON document')
    .option('--json', 'print one JSON object')
    .action(async (opts: { master?: string; stateFile?: string; json?: boolean }) => {
      const config = ctx.config();
      const { snapshot, from } = await loadSnapshot(opts, config);
      ctx.out(opts.json ? JSON.stringify(toStatusJson(snapshot)) : human(snapshot, from));
    });
}
