// A small seeded mutation engine for the fuzzers. Every case is a pure function of
// (run seed, input name, case number), so one failing case replays alone with FUZZ_SEED and FUZZ_CASE.
// Mutations work on the parsed JSON of a well-formed seed (delete keys, flip types, huge and odd numbers,
// huge strings, 10k-level nesting, `__proto__`/`constructor`/`prototype` keys) and then, sometimes, on its
// bytes (truncate, flip, broken UTF-8), so both the JSON layer and the checks behind it are reached.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast and good enough to spread cases; not for anything secret. */
export function rng(seed: number): Rng {
  let t = seed >>> 0;
  const next = () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)], chance: (p) => next() < p };
}

/** The seed of one case: FNV-1a over the run seed, the input's name and the case number. */
export function caseSeed(runSeed: number, input: string, index: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${runSeed}/${input}/${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/** The run seed: FUZZ_SEED when given (decimal), else a fresh one to print. */
export function runSeedFrom(env: NodeJS.ProcessEnv): number {
  const given = env.FUZZ_SEED;
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`FUZZ_SEED "${given}" must be a whole number from 0 to 4294967295`);
    return n;
  }
  return Math.floor(Math.random() * 0x100000000);
}

export const DEEP_LEVELS = 10_000;

/**
 * Raw JSON texts that JSON.stringify cannot produce (−0, 1e999, an integer past 2^53, a lone surrogate, deep
 * nesting); they enter the tree as placeholders and are spliced into the text after stringify.
 */
const RAW_VALUES: readonly string[] = [
  '-0',
  '-0.0',
  '1e999',
  '-1e999',
  '9007199254740993',
  '1e308',
  '-1e308',
  '5e-324',
  '1E+2',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\\u0000"',
  '[' .repeat(DEEP_LEVELS) + ']'.repeat(DEEP_LEVELS),
  '{"a":'.repeat(DEEP_LEVELS) + '1' + '}'.repeat(DEEP_LEVELS),
];

const ODD_NUMBERS: readonly number[] = [0, -1, 1, 0.5, 2 ** 53 + 2, -(2 ** 53), 2 ** 31, 2 ** 32 + 1, 1e21, 1e-7, Number.MAX_VALUE, Number.MIN_VALUE, 4294967295];
const ODD_STRINGS: readonly string[] = ['', ' ', 'NaN', 'Infinity', '-Infinity', '1e999', '0x10', ' 12 ', '-0', 'null', 'true', '__proto__', '../../etc/passwd', '\n', 'é', '\u2028'];
const PROTO_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Container = Json[] | { [k: string]: Json };

interface Slot {
  parent: Container;
  key: string | number;
}

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

/** Every place in the tree a value sits, up to a bound so a huge seed stays cheap. */
function slots(root: Json, limit = 5000): Slot[] {
  const out: Slot[] = [];
  const stack: Container[] = isContainer(root) ? [root] : [];
  while (stack.length > 0 && out.length < limit) {
    const c = stack.pop()!;
    const keys: (string | number)[] = Array.isArray(c) ? c.map((_, i) => i) : Object.keys(c);
    for (const k of keys) {
      out.push({ parent: c, key: k });
      const v = (c as Record<string | number, Json>)[k];
      if (isContainer(v)) stack.push(v);
    }
  }
  return out;
}

function containers(root: Json): Container[] {
  const out: Container[] = isContainer(root) ? [root] : [];
  for (const s of slots(root)) {
    const v = (s.parent as Record<string | number, Json>)[s.key];
    if (isContainer(v)) out.push(v);
  }
  return out;
}

/** Sets an own, enumerable key, even `__proto__`, so JSON.stringify writes it as the master would send it. */
function setOwn(o: { [k: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

class Mutator {
  readonly raws: string[] = [];
  readonly ops: string[] = [];
  constructor(private readonly r: Rng) {}

  raw(text: string): string {
    this.raws.push(text);
    return `@@raw${this.raws.length - 1}@@`;
  }

  hugeString(): string {
    return this.r.pick(['x', 'é', '\u{1F600}', '"', '\\']).repeat(this.r.pick([4096, 70_000, 1 << 20]));
  }

  /** A value of another kind than `old`. */
  flipped(old: Json): Json {
    const r = this.r;
    const choices: (() => Json)[] = [
      () => null,
      () => r.chance(0.5),
      () => r.pick(ODD_NUMBERS),
      () => r.pick(ODD_STRINGS),
      () => [],
      () => ({}),
      () => [old],
      () => ({ value: old }),
      () => (typeof old === 'number' ? String(old) : typeof old === 'string' && old.trim() !== '' ? Number(old) || 0 : 1),
    ];
    return r.pick(choices)();
  }

  apply(root: Json): Json {
    const r = this.r;
    const all = slots(root);
    if (all.length === 0 || r.chance(0.03)) {
      this.ops.push('replace-root');
      return r.chance(0.5) ? this.flipped(root) : this.raw(r.pick(RAW_VALUES));
    }
    const s = r.pick(all);
    const p = s.parent as Record<string | number, Json>;
    const old = p[s.key];
    const op = r.pick(['delete', 'flip', 'flip', 'number', 'raw', 'string', 'huge-string', 'deep', 'proto', 'proto', 'rename-proto', 'big-array', 'empty', 'swap']);
    this.ops.push(`${op}@${String(s.key).slice(0, 30)}`);
    switch (op) {
      case 'delete':
        if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
        else delete p[s.key];
        break;
      case 'flip':
        p[s.key] = this.flipped(old);
        break;
      case 'number':
        p[s.key] = r.pick(ODD_NUMBERS) * (r.chance(0.2) ? -1 : 1);
        break;
      case 'raw':
        p[s.key] = this.raw(r.pick(RAW_VALUES.slice(0, 12)));
        break;
      case 'string':
        p[s.key] = r.pick(ODD_STRINGS);
        break;
      case 'huge-string':
        p[s.key] = this.hugeString();
        break;
      case 'deep':
        p[s.key] = this.raw(r.pick(RAW_VALUES.slice(12)));
        break;
      case 'proto': {
        const target = r.pick(containers(root).filter((c) => !Array.isArray(c)) as { [k: string]: Json }[]);
        if (target) setOwn(target, r.pick(PROTO_KEYS), r.pick<Json>([{ polluted: true }, { toString: 1 }, null, 'x', [], structuredClone(target)]));
        break;
      }
      case 'rename-proto':
        if (!Array.isArray(s.parent)) {
          delete p[s.key];
          setOwn(s.parent, r.pick(PROTO_KEYS), old);
        }
        break;
      case 'big-array':
        p[s.key] = this.raw(`[${new Array(r.pick([1000, 100_000])).fill(r.pick(['0', '{}', '"x"', 'null'])).join(',')}]`);
        break;
      case 'empty':
        p[s.key] = Array.isArray(old) ? [] : isContainer(old) ? {} : '';
        break;
      case 'swap': {
        const other = r.pick(all);
        p[s.key] = structuredClone((other.parent as Record<string | number, Json>)[other.key]);
        break;
      }
    }
    return root;
  }

  render(root: Json): string {
    const text = JSON.stringify(root) ?? 'null';
    return text.replace(/"@@raw(\d+)@@"/g, (_, i: string) => this.raws[Number(i)]);
  }
}

const BAD_UTF8: readonly number[][] = [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xfe, 0xff], [0x00]];

/** Byte-level damage: what a cut connection, a bad disk or a hostile sender makes of a document. */
export function mutateBytes(input: Buffer, r: Rng, ops: string[]): Buffer {
  let b = input;
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const at = r.int(b.length + 1);
    const op = r.pick(['truncate', 'flip', 'insert', 'utf8', 'delete-span', 'dup-span', 'bom', 'digits']);
    ops.push(`${op}#${at}`);
    switch (op) {
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'flip':
        if (b.length > 0) {
          b = Buffer.from(b);
          b[Math.min(at, b.length - 1)] = r.int(256);
        }
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from([r.int(256)]), b.subarray(at)]);
        break;
      case 'utf8':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(r.pick(BAD_UTF8)), b.subarray(at)]);
        break;
      case 'delete-span':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + r.int(64))]);
        break;
      case 'dup-span':
        b = Buffer.concat([b.subarray(0, at + r.int(64)), b.subarray(at)]);
        break;
      case 'bom':
        b = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
        break;
      case 'digits':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(r.pick(['9'.repeat(20), '00000000000000001', '-1', '1e9', '4294967296'])), b.subarray(at)]);
        break;
    }
  }
  return b;
}

export interface Mutation {
  bytes: Buffer;
  /** What was done, for the failure report. */
  ops: string[];
}

/**
 * A mutated copy of a JSON seed: 1–3 tree mutations, then byte damage in about a third of the cases
 * (`byteRate`). About one case in twenty keeps the seed intact, so the well-formed path is exercised too.
 */
export function mutateJson(seedText: string, r: Rng, byteRate = 0.3): Mutation {
  if (r.chance(0.05)) return { bytes: Buffer.from(seedText, 'utf8'), ops: ['none'] };
  const m = new Mutator(r);
  let root = JSON.parse(seedText) as Json;
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) root = m.apply(root);
  let bytes: Buffer = Buffer.from(m.render(root), 'utf8');
  if (r.chance(byteRate)) bytes = mutateBytes(bytes, r, m.ops);
  return { bytes, ops: m.ops };
}
