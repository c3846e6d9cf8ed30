// Where the configuration comes from, in order: one JSON file, then MESOS_PANEL_* environment variables, then CLI
// flags, each a Layer that config.ts merges over the defaults and validates.
import * as fs from 'node:fs';
import { closest } from './config-hints';
import { ConfigError, DEFAULT_CONFIG, DEFAULT_CONFIG_FILE, isPlain, resolveConfig, show, type Config, type Layer, type Plain } from './config';

/** Read the JSON config file. A missing default file is fine; a missing file named by `flag` is not. */
export function readConfigFile(file: string, required: boolean, flag = '--config'): Layer | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return null;
    if (code === 'ENOENT') throw new ConfigError(`config: ${file} does not exist; create it (mesos-panel install writes one) or fix ${flag}`);
    if (code === 'EACCES') throw new ConfigError(`config: ${file} is not readable by this user; fix its permissions`);
    throw new ConfigError(`config: cannot read ${file}: ${(err as Error).message}`);
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (err) {
    // V8 quotes the text around the error, newlines included: one problem stays one line.
    throw new ConfigError(`config: ${file} is not valid JSON (${(err as Error).message.replace(/\s+/g, ' ')}); fix the file`);
  }
  if (!isPlain(values)) throw new ConfigError(`config: ${file} must hold a JSON object, not ${Array.isArray(values) ? 'an array' : show(values)}`);
  return { source: file, values };
}

const PREFIX = 'MESOS_PANEL_';
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** Every leaf key of the config as its MESOS_PANEL_* variable: nesting is a double underscore. */
function envNames(obj: Plain, prefix: string[] = []): Map<string, { keyPath: string[]; example: unknown }> {
  const names = new Map<string, { keyPath: string[]; example: unknown }>();
  for (const [key, value] of Object.entries(obj)) {
    const keyPath = [...prefix, key];
    if (isPlain(value) && !(key === 'customPins')) {
      for (const [n, v] of envNames(value, keyPath)) names.set(n, v);
    } else {
      names.set(`${PREFIX}${keyPath.map(snake).join('__')}`, { keyPath, example: value });
    }
  }
  return names;
}

const ENV_NAMES = envNames(DEFAULT_CONFIG as unknown as Plain);

function coerceEnv(raw: string, example: unknown): unknown {
  if (Array.isArray(example)) return raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (typeof example === 'number') return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  if (typeof example === 'boolean') return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
  if (raw === '' || raw === 'null') return null;
  // Keys whose default is null hold a string, a number (address) or an object (customPins): take JSON when it is JSON.
  try {
    return example === null ? JSON.parse(raw) : raw;
  } catch {
    return raw;
  }
}

/** MESOS_PANEL_* variables as a layer; an unknown MESOS_PANEL_ name is an error, since it is surely a typo. */
export function envLayer(env: NodeJS.ProcessEnv): Layer {
  const values: Plain = {};
  const keySources = new Map<string, string>();
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(PREFIX) || raw === undefined) continue;
    const known = ENV_NAMES.get(name);
    if (!known) {
      // Compared without the prefix they share, or every short name would be "near" every other.
      const near = closest(name.slice(PREFIX.length), [...ENV_NAMES.keys()].map((n) => n.slice(PREFIX.length)));
      const hint = near ? `did you mean ${PREFIX}${near}?` : 'the names are MESOS_PANEL_ plus the key in capitals, nesting with "__", e.g. MESOS_PANEL_DISPLAY__KIND';
      throw new ConfigError(`config: unknown environment variable ${name}; ${hint}`);
    }
    let node = values;
    for (const k of known.keyPath.slice(0, -1)) node = (node[k] ??= {}) as Plain;
    node[known.keyPath[known.keyPath.length - 1]] = coerceEnv(raw, known.example);
    keySources.set(known.keyPath.join('.'), `environment ${name}`);
  }
  return { source: 'environment', values, keySources };
}

export interface LoadOptions {
  /** --config; when absent the default file is read if it exists. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from CLI flags, already shaped like the config. */
  flags?: Plain;
}

/** The layers in order: the file (if any), the environment, the command line. */
export function loadLayers(opts: LoadOptions = {}): Layer[] {
  const layers: Layer[] = [];
  const file = readConfigFile(opts.configFile ?? DEFAULT_CONFIG_FILE, opts.configFile !== undefined);
  if (file) layers.push(file);
  layers.push(envLayer(opts.env ?? process.env));
  if (opts.flags) layers.push({ source: 'command line', values: opts.flags });
  return layers;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  return resolveConfig(loadLayers(opts));
}
