// `mesos-panel config`: the configuration the daemon would run with, key by key with the source of each value
// (default, the file, a MESOS_PANEL_ variable, the command line), and `config --check FILE` to validate a file
// before it is installed.
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE, leaves, originOf, resolveWithOrigins, type Config } from '../config';
import { loadLayers, readConfigFile } from '../config-load';
import type { CommandContext } from './context';

/** A master URL with its password replaced: the effective config is for reading and pasting, not for secrets. */
function masked(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** The config with anything secret masked; today only passwords inside master URLs can be. */
export function maskSecrets(config: Config): Config {
  return { ...config, masters: config.masters.map(masked) };
}

export function describeConfig(config: Config, origins: ReadonlyMap<string, string>): string[] {
  const rows = leaves(maskSecrets(config)).map(([key, value]) => [key, JSON.stringify(value), originOf(origins, key)]);
  const width = (i: number) => Math.max(...rows.map((r) => r[i].length));
  return rows.map(([key, value, source]) => `${key.padEnd(width(0))}  ${value.padEnd(width(1))}  ${source}`);
}

export function registerConfig(program: Command, ctx: CommandContext): void {
  program
    .command('config')
    .description('print the effective configuration and where each value came from, or check a file with --check')
    .option('--check <file>', 'validate a config file on its own (defaults plus the file): prints "ok" or the problems, exit 2')
    .option('--master <url...>', 'master URLs, as the other commands take them')
    .option('--json', 'print the effective configuration as one JSON object')
    .action((opts: { check?: string; master?: string[]; json?: boolean }) => {
      if (opts.check) {
        const layer = readConfigFile(opts.check, true, '--check');
        resolveWithOrigins(layer ? [layer] : []);
        ctx.out(`${opts.check}: ok`);
        return;
      }
      const file = ctx.configFile();
      const layers = loadLayers({ configFile: file, flags: opts.master ? { masters: opts.master } : undefined });
      const { config, origins } = resolveWithOrigins(layers);
      if (opts.json) {
        ctx.out(JSON.stringify(maskSecrets(config), null, 2));
        return;
      }
      const shown = file ?? DEFAULT_CONFIG_FILE;
      const absent = layers.some((l) => l.source === shown) ? '' : ' (absent)';
      ctx.out(`# defaults, then ${shown}${absent}, then MESOS_PANEL_* variables, then the command line`);
      for (const line of describeConfig(config, origins)) ctx.out(line);
    });
}
