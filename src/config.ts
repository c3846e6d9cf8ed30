// Configuration: the schema, the defaults, and the layers (config-load.ts reads them from the file, the
// environment and the CLI flags) merged over the defaults. The merged result is validated as a whole by one zod
// schema; every problem becomes one line that names the key, the bad value, where it came from, and what is allowed.
import * as path from 'node:path';
import { z } from 'zod';
import { hidePasswords, normaliseMasterUrl } from './mesos/master-url';
import { SIZES } from './panel/frame';
import { closest } from './config-hints';
import { ALL_DISPLAY_KINDS, displaySettingsIssues } from './hw/display-kinds';
import { errorLine } from './lib/error-line';

export const DEFAULT_CONFIG_FILE = '/etc/mesos-panel/config.json';
/** The screens a user may put in the cycle (the others show themselves: boot, unreachable, message, attention). */
export const CYCLED_SCREENS = ['overview', 'agents', 'frameworks', 'pi', 'host'] as const;

const absolutePath = z.string().refine((p) => path.isAbsolute(p), 'an absolute path');
const masterUrl = z.string().transform((s, ctx) => {
  try {
    return normaliseMasterUrl(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `a master URL; ${errorLine(err)}` });
    return z.NEVER;
  }
});
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'a range of local times "HH:MM-HH:MM", e.g. "22:00-07:00"');
const int = (min: number, max: number) => z.number().int().min(min).max(max);
// I2C addresses are written in hex in every datasheet and in i2cdetect's output, so accept "0x3c" too.
const i2cAddress = z.preprocess((v) => (typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v) ? Number(v) : v), int(0x03, 0x77));
const lcdPin = int(0, 7);

const schema = z.strictObject({
  masters: z.array(masterUrl).min(1),
  pollIntervalMs: int(500, 3_600_000),
  requestTimeoutMs: int(100, 120_000),
  maxStateBytes: int(64 * 1024, 512 * 1024 * 1024),
  // The master's operator event stream (auto: where the master can serve it), else polling /state; the stream's
  // figures it does not carry (offers, executors, disconnections, the master facts) are refreshed this often.
  stateSource: z.enum(['auto', 'stream', 'poll']),
  stateRefreshSeconds: int(5, 3600),
  // What interrupts the screens for holdSeconds (0: only listed), what makes a burst of task failures, and local
  // hours in which notices are only listed.
  attention: z.strictObject({
    holdSeconds: int(0, 3600),
    failuresPerMinute: z.number().min(0.1).max(10_000),
    failureWindowMinutes: int(1, 120),
    quietHours: clock.nullable(),
  }),
  credentialsFile: absolutePath.nullable(),
  caFile: absolutePath.nullable(),
  display: z.strictObject({
    kind: z.enum(ALL_DISPLAY_KINDS),
    size: z.enum(SIZES),
    bus: int(0, 255),
    address: i2cAddress.nullable(),
    rotation: z.union([z.literal(0), z.literal(180)]),
    contrast: int(0, 255),
    columnOffset: int(0, 4),
    pngFile: absolutePath,
    lcd: z.strictObject({
      pinMap: z.enum(['lcm1602', 'mjkdz', 'custom']),
      customPins: z.strictObject({ rs: lcdPin, rw: lcdPin, e: lcdPin, backlight: lcdPin, d4: lcdPin, d5: lcdPin, d6: lcdPin, d7: lcdPin }).nullable(),
      backlightActiveLow: z.boolean().nullable(),
    }),
  }).superRefine((d, ctx) => displaySettingsIssues(d).forEach((i) => ctx.addIssue({ code: 'custom', ...i }))),
  screens: z.strictObject({
    enabled: z.array(z.enum(CYCLED_SCREENS)).min(1),
    autoCycleSeconds: int(0, 3600),
  }),
  burnIn: z.strictObject({
    shiftEverySeconds: int(0, 3600),
    dimAfterMinutes: int(0, 10_080),
    blankAfterMinutes: int(0, 10_080),
    nightHours: clock.nullable(),
  }),
  button: z.strictObject({
    backend: z.enum(['auto', 'gpiomon', 'onoff', 'none']),
    pin: int(0, 27),
    debounceMs: int(0, 1000),
    longPressMs: int(300, 10_000),
  }),
  pi: z.strictObject({
    terms: z.number().int().min(1e6).max(1e15),
    kernel: z.enum(['precise', 'fast']),
    corrections: int(0, 6),
    // A job asked for by certified decimals instead of by terms (null: by pi.terms). The limit is the π job's
    // maxDigits() (src/pi/digits-plan.ts), which the configuration may not import; a test keeps the two equal.
    digits: int(1, 26_000).nullable(),
    autoStart: z.boolean(),
    frameworkName: z.string().min(1).max(200),
    user: z.string().min(1).max(64),
    role: z.string().min(1).max(200),
    failoverTimeoutSeconds: int(0, 365 * 86_400),
    refuseSeconds: int(0, 3600),
    taskCpus: z.number().min(0.01).max(64),
    taskMemMb: z.number().min(8).max(65_536),
    executorCpus: z.number().min(0.01).max(8),
    executorMemMb: z.number().min(16).max(4096),
    executorMode: z.enum(['per-agent', 'per-task']),
    nodePath: absolutePath,
  }),
  stateDir: absolutePath,
  http: z.strictObject({
    bind: z.string().min(1),
    port: int(0, 65_535),
    advertiseHost: z.string().min(1).nullable(),
  }),
  // The web face on the same port: at most this many browsers connected to the mirror at once. The controls
  // (the button's actions from the page) are off unless turned on, and then need the secret in secretFile.
  web: z
    .strictObject({ maxClients: int(1, 1024), controls: z.boolean(), secretFile: absolutePath.nullable() })
    .refine((w) => !w.controls || w.secretFile !== null, {
      path: ['secretFile'],
      message: 'a file holding the secret when web.controls is true; create one (README, "Controls in the browser") and set web.secretFile',
    }),
  log: z.strictObject({ debug: z.boolean() }),
});

export type Config = z.infer<typeof schema>;

/** Defaults that work on a Pi running the master on localhost:5050. */
export const DEFAULT_CONFIG: Config = {
  masters: ['http://localhost:5050'],
  pollIntervalMs: 5000,
  requestTimeoutMs: 5000,
  maxStateBytes: 32 * 1024 * 1024,
  stateSource: 'auto',
  stateRefreshSeconds: 60,
  attention: { holdSeconds: 60, failuresPerMinute: 1, failureWindowMinutes: 5, quietHours: null },
  credentialsFile: null,
  caFile: null,
  display: {
    kind: 'ssd1306',
    size: '128x64',
    bus: 1,
    address: null,
    rotation: 0,
    contrast: 0x7f,
    columnOffset: 2,
    pngFile: '/run/mesos-panel/panel.png',
    lcd: { pinMap: 'lcm1602', customPins: null, backlightActiveLow: null },
  },
  screens: { enabled: [...CYCLED_SCREENS], autoCycleSeconds: 15 },
  burnIn: { shiftEverySeconds: 60, dimAfterMinutes: 10, blankAfterMinutes: 120, nightHours: null },
  button: { backend: 'auto', pin: 17, debounceMs: 30, longPressMs: 1500 },
  pi: {
    terms: 1e11,
    // The corrected estimate (2 Euler corrections) is limited by the arithmetic, not by N: with `fast`
    // (~1e-16 relative per chunk) it certifies about 15 decimals, no more than the raw sum of a 1e15-term
    // job, so the corrections would show nothing; with `precise` (~1e-31) about 28–30. `precise` costs about
    // 4.7× per term (bench/kernel.ts), but the ledger sizes chunks by each agent's measured speed, so tasks
    // still last 5–20 s; only N per hour shrinks, and N adds just log10 N raw digits.
    kernel: 'precise',
    corrections: 2,
    digits: null,
    autoStart: false,
    frameworkName: 'mesos-panel pi',
    user: 'nobody',
    role: '*',
    failoverTimeoutSeconds: 7 * 86_400,
    refuseSeconds: 5,
    taskCpus: 0.9,
    taskMemMb: 32,
    executorCpus: 0.1,
    executorMemMb: 64,
    executorMode: 'per-agent',
    nodePath: '/usr/bin/node',
  },
  stateDir: '/var/lib/mesos-panel',
  http: { bind: '0.0.0.0', port: 5055, advertiseHost: null },
  web: { maxClients: 32, controls: false, secretFile: null },
  log: { debug: false },
};

export function defaultConfigJson(): string {
  return `${JSON.stringify(DEFAULT_CONFIG, null, 2)}\n`;
}

/** A configuration problem: the message is one line for the user, the exit code is 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Plain = { [key: string]: unknown };
export const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every leaf of a config (lists and nulls are leaves) as [key, value], e.g. ["display.kind", "ssd1306"]. */
export function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (!isPlain(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

/** A partial config from one source, and the words that name the source in errors. */
export interface Layer {
  source: string;
  values: Plain;
  /** Where single keys came from, when the source is finer than the layer (the variable that set a key). */
  keySources?: ReadonlyMap<string, string>;
}

/** The config nests 4 levels (display.lcd.customPins.rs); far deeper is garbage that would overflow the stack. */
const MAX_DEPTH = 16;
/** The longest list in the config is a handful of masters; validating 100,000 URLs would take seconds. */
const MAX_LIST = 256;

/** What makes a layer too big to validate: nesting past MAX_DEPTH or a list past MAX_LIST, found without recursion. */
function oversized(layer: Plain): string | null {
  const stack: [unknown, string[]][] = [[layer, []]];
  while (stack.length > 0) {
    const [v, keyPath] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (keyPath.length >= MAX_DEPTH) return `values nested more than ${MAX_DEPTH} levels deep`;
    if (Array.isArray(v) && v.length > MAX_LIST) return `${keyPath.join('.')} has ${v.length} entries, more than the ${MAX_LIST} allowed`;
    for (const [k, child] of Object.entries(v)) stack.push([child, [...keyPath, k]]);
  }
  return null;
}

function mergeLayer(target: Plain, values: Plain, layer: Layer, origins: Map<string, string>, prefix: string[] = []): void {
  const tooBig = prefix.length === 0 ? oversized(values) : null;
  if (tooBig) throw new ConfigError(`config: ${tooBig} (${layer.source}); the config is small, fix the file`);
  for (const [key, value] of Object.entries(values)) {
    const keyPath = [...prefix, key];
    const source = layer.keySources?.get(keyPath.join('.')) ?? layer.source;
    // JSON.parse makes "__proto__" an own key; assigning it would replace the object's prototype.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new ConfigError(`config: key "${keyPath.join('.')}" is not allowed (${source}); remove it`);
    }
    if (isPlain(value) && isPlain(target[key])) {
      mergeLayer(target[key] as Plain, value, layer, origins, keyPath);
    } else {
      target[key] = isPlain(value) ? structuredClone(value) : value;
      origins.set(keyPath.join('.'), source);
    }
  }
}

function valueAt(obj: unknown, keyPath: readonly PropertyKey[]): unknown {
  let v: unknown = obj;
  for (const k of keyPath) v = isPlain(v) || Array.isArray(v) ? (v as Plain)[k as string] : undefined;
  return v;
}

/** A value as an error message quotes it: JSON, passwords hidden, cut at 60 characters. */
export function show(v: unknown): string {
  const s = v === undefined ? 'missing' : hidePasswords(JSON.stringify(v));
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function originOf(origins: ReadonlyMap<string, string>, keyPath: string): string {
  for (let p = keyPath; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const o = origins.get(p);
    if (o) return o;
  }
  return 'default';
}

function allowedBy(issue: z.ZodIssue): string {
  switch (issue.code) {
    case 'invalid_enum_value':
      return `one of ${issue.options.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_literal':
      return JSON.stringify(issue.expected);
    case 'invalid_union': {
      const literals = issue.unionErrors.flatMap((e) => e.issues).filter((i) => i.code === 'invalid_literal');
      return literals.length ? `one of ${literals.map(allowedBy).join(', ')}` : issue.message;
    }
    case 'invalid_type':
      return issue.expected === 'integer' ? 'a whole number' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_small':
      return issue.type === 'array' ? `at least ${issue.minimum} entries` : issue.type === 'string' ? 'a non-empty string' : `at least ${issue.minimum}`;
    case 'too_big':
      return issue.type === 'array' || issue.type === 'string' ? `at most ${issue.maximum} long` : `at most ${issue.maximum}`;
    default:
      return issue.message;
  }
}

/** The schema below the optional, nullable and refined wrappers, where an object shows its keys. */
function unwrap(s: z.ZodTypeAny): z.ZodTypeAny {
  for (;;) {
    if (s instanceof z.ZodNullable || s instanceof z.ZodOptional) s = s.unwrap();
    else if (s instanceof z.ZodEffects) s = s.innerType();
    else return s;
  }
}

/** The keys the schema allows in the object at keyPath. */
function keysAt(keyPath: readonly PropertyKey[]): string[] {
  let s: z.ZodTypeAny | undefined = schema;
  for (const k of keyPath) {
    const inner: z.ZodTypeAny = unwrap(s);
    s = inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodTypeAny>)[String(k)] : undefined;
    if (!s) return [];
  }
  const inner = unwrap(s);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape as object) : [];
}

/** One line per unknown key, with the known key it was probably meant to be, or the keys allowed there. */
function describeUnknown(issue: z.ZodIssue & { code: 'unrecognized_keys' }, origins: Map<string, string>): string[] {
  const base = issue.path.length ? `${issue.path.join('.')}.` : '';
  const known = keysAt(issue.path);
  return issue.keys.map((k) => {
    const near = closest(k, known);
    // A key put at the wrong level ("kind" at the top) is found where it belongs.
    const elsewhere = near ? null : leaves(DEFAULT_CONFIG).find(([key]) => key.split('.').pop()?.toLowerCase() === k.toLowerCase())?.[0];
    const hint = near
      ? `did you mean "${base}${near}"?`
      : elsewhere
        ? `did you mean "${elsewhere}"?`
        : `the keys ${base ? `of ${base.slice(0, -1)}` : 'at the top level'} are ${known.join(', ')}`;
    return `config: unknown key "${base}${k}" (${originOf(origins, base + k)}); ${hint}`;
  });
}

function describeIssue(issue: z.ZodIssue, merged: unknown, origins: Map<string, string>): string[] {
  if (issue.code === 'unrecognized_keys') return describeUnknown(issue, origins);
  const keyPath = issue.path.map(String).join('.') || '(top level)';
  const where = originOf(origins, issue.path.map(String).join('.'));
  return [`config: ${keyPath} is ${show(valueAt(merged, issue.path))} (${where}); allowed: ${allowedBy(issue)}`];
}

const MAX_ISSUES = 10;

/** The resolved config and, per key that some layer set, the source that set it (absent: the default). */
export interface Resolved {
  config: Config;
  origins: ReadonlyMap<string, string>;
}

/** Merge the layers over the defaults and validate. Throws ConfigError naming every problem, one per line. */
export function resolveWithOrigins(layers: readonly Layer[]): Resolved {
  const merged = structuredClone(DEFAULT_CONFIG) as unknown as Plain;
  const origins = new Map<string, string>();
  for (const layer of layers) mergeLayer(merged, layer.values, layer, origins);
  const result = schema.safeParse(merged);
  if (!result.success) {
    // A list of 100,000 bad masters is one mistake, not 100,000 lines to read.
    const issues = result.error.issues;
    const described = issues.slice(0, MAX_ISSUES).flatMap((i) => describeIssue(i, merged, origins));
    const lines = described.slice(0, MAX_ISSUES);
    const more = Math.max(0, issues.length - MAX_ISSUES) + described.length - lines.length;
    if (more > 0) lines.push(`config: ${more} more problems like these; fix the ones above first`);
    throw new ConfigError(lines.join('\n'));
  }
  return { config: result.data, origins };
}

export function resolveConfig(layers: readonly Layer[]): Config {
  return resolveWithOrigins(layers).config;
}
