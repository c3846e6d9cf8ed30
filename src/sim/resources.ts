// Resources as the simulated cluster keeps them: the four scalars Mesos always reports, plus port ranges.
// Mesos stores scalars in fixed point with 3 decimals (src/common/resources.cpp, Value::Scalar arithmetic in
// src/common/values.cpp), so every sum here is rounded to 3 decimals the same way.

export interface Scalars {
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
}

export type Range = [begin: number, end: number];

export interface Resources extends Scalars {
  ports: Range[];
}

const SCALAR_NAMES = ['cpus', 'mem', 'disk', 'gpus'] as const;

export function fixed3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function emptyResources(): Resources {
  return { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: [] };
}

export function add(a: Resources, b: Resources): Resources {
  return {
    cpus: fixed3(a.cpus + b.cpus),
    mem: fixed3(a.mem + b.mem),
    disk: fixed3(a.disk + b.disk),
    gpus: fixed3(a.gpus + b.gpus),
    ports: mergeRanges([...a.ports, ...b.ports]),
  };
}

export function subtract(a: Resources, b: Resources): Resources {
  return {
    cpus: fixed3(Math.max(0, a.cpus - b.cpus)),
    mem: fixed3(Math.max(0, a.mem - b.mem)),
    disk: fixed3(Math.max(0, a.disk - b.disk)),
    gpus: fixed3(Math.max(0, a.gpus - b.gpus)),
    ports: subtractRanges(a.ports, b.ports),
  };
}

export function sum(list: Iterable<Resources>): Resources {
  let total = emptyResources();
  for (const r of list) total = add(total, r);
  return total;
}

/** True when `need` fits inside `have` (every scalar and every port). */
export function fits(need: Resources, have: Resources): boolean {
  for (const name of SCALAR_NAMES) if (fixed3(need[name]) > fixed3(have[name])) return false;
  return subtractRanges(need.ports, have.ports).length === 0;
}

export function isEmpty(r: Resources): boolean {
  return SCALAR_NAMES.every((n) => r[n] <= 0) && r.ports.length === 0;
}

export function mergeRanges(ranges: Range[]): Range[] {
  const sorted = ranges.map((r): Range => [r[0], r[1]]).sort((x, y) => x[0] - y[0]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

export function subtractRanges(from: Range[], remove: Range[]): Range[] {
  let out = mergeRanges(from);
  for (const [b, e] of remove) {
    const next: Range[] = [];
    for (const [fb, fe] of out) {
      if (e < fb || b > fe) next.push([fb, fe]);
      else {
        if (fb < b) next.push([fb, b - 1]);
        if (e < fe) next.push([e + 1, fe]);
      }
    }
    out = next;
  }
  return out;
}

/**
 * The "resource object" of /state (json(JSON::ObjectWriter*, const Resources&) in src/common/http.cpp):
 * scalars summed by name, cpus/gpus/mem/disk always present, ranges as one "[a-b, c-d]" string, absent when empty.
 * Key order copies the recorded 1.12 master (master-state-task-running.json).
 */
export function resourceObject(r: Resources): Record<string, number | string> {
  const obj: Record<string, number | string> = { disk: r.disk, mem: r.mem, gpus: r.gpus, cpus: r.cpus };
  if (r.ports.length > 0) obj.ports = `[${r.ports.map(([b, e]) => `${b}-${e}`).join(', ')}]`;
  return obj;
}

/** A protobuf-JSON Resource as in OFFERS events (scheduler-events.json). */
export interface ResourceProto {
  name: string;
  type: 'SCALAR' | 'RANGES' | 'SET';
  scalar?: { value: number };
  ranges?: { range: { begin: number; end: number }[] };
  role?: string;
  allocation_info?: { role: string };
}

/** Offer resources in the recorded order (ports, cpus, mem, disk); zero scalars are left out, as Mesos does. */
export function toProtoList(r: Resources, role = '*'): ResourceProto[] {
  const alloc = { role: '*', allocation_info: { role } };
  const out: ResourceProto[] = [];
  if (r.ports.length > 0) {
    out.push({ name: 'ports', type: 'RANGES', ranges: { range: r.ports.map(([begin, end]) => ({ begin, end })) }, ...alloc });
  }
  for (const name of ['cpus', 'mem', 'disk', 'gpus'] as const) {
    if (r[name] > 0) out.push({ name, type: 'SCALAR', scalar: { value: r[name] }, ...alloc });
  }
  return out;
}

/**
 * Reads a repeated Resource from a call (TaskInfo.resources, ExecutorInfo.resources). Unknown names are
 * ignored, as the sim has no custom resources; a malformed entry is a one-line error for a 400 or TASK_ERROR.
 */
export function fromProtoList(list: unknown, where: string): Resources {
  const r = emptyResources();
  if (list === undefined || list === null) return r;
  if (!Array.isArray(list)) throw new Error(`${where} must be an array of Resource`);
  for (const item of list) {
    const res = item as Partial<ResourceProto> | null;
    if (!res || typeof res.name !== 'string') throw new Error(`${where}: every Resource needs a 'name'`);
    if (res.type === 'SCALAR' || (res.type === undefined && res.scalar)) {
      const v = Number(res.scalar?.value);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${where}: resource '${res.name}' needs a non-negative scalar.value`);
      if (res.name === 'cpus' || res.name === 'mem' || res.name === 'disk' || res.name === 'gpus') r[res.name] = fixed3(r[res.name] + v);
    } else if (res.type === 'RANGES' && res.name === 'ports') {
      for (const range of res.ranges?.range ?? []) r.ports.push([Number(range.begin), Number(range.end)]);
      r.ports = mergeRanges(r.ports);
    }
  }
  return r;
}
