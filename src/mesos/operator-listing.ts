// What the operator state keeps beside its entries so that a snapshot costs what changed since the last one, not
// the size of the cluster: the cluster's totals as running sums, and the agent and framework lists with only the
// summaries of the entries an event touched rebuilt.
import type { OpAgent, OpFramework } from './operator-events';
import { type AgentSummary, type FrameworkSummary, RESOURCES, type ResourceName } from './snapshot';
import { type Amounts, round3, use, zero } from './state-parse';

/** Used resources split in two: the live tasks' sum, exact from events, and the rest (executors), refreshed. */
interface UsedSplit {
  /** Sum of the live tasks. */
  taskUsed: Amounts;
  /** The rest of the used resources (executors), as of the last SUBSCRIBED, AGENT_ADDED, FRAMEWORK_* or refresh. */
  otherUsed: Amounts;
}

export type AgentEntry = Omit<OpAgent, 'used'> & UsedSplit;

export type FrameworkEntry = Omit<OpFramework, 'used'> & UsedSplit & { tasks: number };

const usedOf = (e: UsedSplit, r: ResourceName): number => e.taskUsed[r] + e.otherUsed[r];

/**
 * A scalar in thousandths. Mesos keeps three decimal digits of a scalar resource (Value.Scalar in
 * include/mesos/mesos.proto), so sums of thousandths are exact: a total kept up by adding and taking away entries
 * for months of events never drifts, as a sum of binary fractions would.
 */
const milli = (x: number): number => Math.round(x * 1000);

/** The cluster's figures over every agent, kept up to date entry by entry. */
export class Totals {
  total = zero();
  used = zero();
  offered = zero();
  activeAgents = 0;

  /** Counts an agent entry in (+1) or out (−1). */
  agent(a: AgentEntry, sign: 1 | -1): void {
    for (const r of RESOURCES) {
      this.total[r] += sign * milli(a.total[r]);
      this.used[r] += sign * milli(usedOf(a, r));
      this.offered[r] += sign * milli(a.offered[r]);
    }
    if (a.active) this.activeAgents += sign;
  }

  use(r: ResourceName) {
    return use(this.total[r] / 1000, this.used[r] / 1000, this.offered[r] / 1000);
  }

  copy(): Totals {
    const out = new Totals();
    out.total = { ...this.total };
    out.used = { ...this.used };
    out.offered = { ...this.offered };
    out.activeAgents = this.activeAgents;
    return out;
  }
}

export function agentSummary(a: AgentEntry): AgentSummary {
  return {
    id: a.id,
    hostname: a.hostname,
    active: a.active,
    cpus: use(a.total.cpus, usedOf(a, 'cpus'), a.offered.cpus),
    mem: use(a.total.mem, usedOf(a, 'mem'), a.offered.mem),
    ...(a.deactivated ? { deactivated: true as const } : {}),
    ...(a.draining ? { draining: true as const } : {}),
  };
}

export function frameworkSummary(f: FrameworkEntry): FrameworkSummary {
  return { id: f.id, name: f.name, active: f.active, tasks: f.tasks, cpusUsed: round3(usedOf(f, 'cpus')), memUsed: round3(usedOf(f, 'mem')) };
}

/**
 * Entries by id, and their summaries in the map's order as the last snapshot listed them. Entries are replaced, never
 * changed. A snapshot's list is never changed once handed out (a screen or the attention watch may still hold the
 * previous one): the next list is a copy with the summaries of the entries replaced since rebuilt, and only an entry
 * added or removed makes it list them all again.
 */
export class Entries<E extends { id: string }, S> {
  private entries = new Map<string, E>();
  private list: S[] = [];
  private index = new Map<string, number>();
  private dirty = new Set<string>();
  private reordered = true;

  constructor(private readonly summarize: (e: E) => S) {}

  get map(): ReadonlyMap<string, E> {
    return this.entries;
  }

  /** Adds or replaces an entry; returns the one it replaced. */
  set(e: E): E | undefined {
    const old = this.entries.get(e.id);
    this.entries.set(e.id, e);
    if (!old) this.reorder();
    else if (!this.reordered) this.dirty.add(e.id);
    return old;
  }

  /** Removes an entry; returns it. */
  drop(id: string): E | undefined {
    const old = this.entries.get(id);
    if (old) {
      this.entries.delete(id);
      this.reorder();
    }
    return old;
  }

  summaries(): S[] {
    if (this.reordered) {
      this.list = [];
      this.index = new Map();
      for (const [id, e] of this.entries) {
        this.index.set(id, this.list.length);
        this.list.push(this.summarize(e));
      }
      this.reordered = false;
    } else if (this.dirty.size > 0) {
      this.list = this.list.slice();
      for (const id of this.dirty) {
        const at = this.index.get(id);
        const e = this.entries.get(id);
        if (at !== undefined && e !== undefined) this.list[at] = this.summarize(e);
      }
    }
    this.dirty.clear();
    return this.list;
  }

  /** An independent copy (entries, lists and the index are shared: none is ever changed). */
  copy(): Entries<E, S> {
    const out = new Entries(this.summarize);
    out.entries = new Map(this.entries);
    out.list = this.list;
    out.index = this.index;
    out.dirty = new Set(this.dirty);
    out.reordered = this.reordered;
    return out;
  }

  private reorder(): void {
    this.reordered = true;
    this.dirty.clear();
  }
}
