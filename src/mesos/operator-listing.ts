// What the operator state keeps beside its entries so that a snapshot costs what changed since the last one, not
// the size of the cluster: the cluster's totals as running sums, and the agent and framework lists with only the
// summaries of the entries an event touched rebuilt.
import { type AgentSummary, type FrameworkSummary, RESOURCES, type ResourceName } from './snapshot';
import { type Amounts, round3, use, zero } from './state-parse';

/** Used resources split in two: the live tasks' sum, exact from events, and the rest (executors), refreshed. */
export interface UsedSplit {
  /** Sum of the live tasks. */
  taskUsed: Amounts;
  /** The rest of the used resources (executors), as of the last SUBSCRIBED, AGENT_ADDED, FRAMEWORK_* or refresh. */
  otherUsed: Amounts;
}

export interface AgentFigures extends UsedSplit {
  id: string;
  hostname: string;
  active: boolean;
  deactivated: boolean;
  draining: boolean;
  total: Amounts;
  offered: Amounts;
}

export interface FrameworkFigures extends UsedSplit {
  id: string;
  name: string;
  active: boolean;
  tasks: number;
}

export const usedOf = (e: UsedSplit, r: ResourceName): number => e.taskUsed[r] + e.otherUsed[r];

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
  agent(a: AgentFigures, sign: 1 | -1): void {
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

export function agentSummary(a: AgentFigures): AgentSummary {
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

export function frameworkSummary(f: FrameworkFigures): FrameworkSummary {
  return { id: f.id, name: f.name, active: f.active, tasks: f.tasks, cpusUsed: round3(usedOf(f, 'cpus')), memUsed: round3(usedOf(f, 'mem')) };
}

/**
 * The summaries of a map's entries, in the map's order, as the last snapshot listed them. A snapshot's list is
 * never changed once handed out (a screen or the attention watch may still hold the previous one): the next list
 * is a copy with the summaries of the entries changed since rebuilt, and only an entry added or removed makes it
 * list them all again.
 */
export class Listing<E, S> {
  private list: S[] = [];
  private index = new Map<string, number>();
  private readonly dirty: Set<string>;
  private reordered = true;

  constructor(
    private readonly summarize: (e: E) => S,
    dirty: Iterable<string> = [],
  ) {
    this.dirty = new Set(dirty);
  }

  /** The entry `id` changed in place (its position in the map did not). */
  changed(id: string): void {
    if (!this.reordered) this.dirty.add(id);
  }

  /** An entry was added or removed: the next list is made from scratch. */
  reorder(): void {
    this.reordered = true;
    this.dirty.clear();
  }

  current(entries: ReadonlyMap<string, E>): S[] {
    if (this.reordered) {
      this.list = [];
      this.index = new Map();
      for (const [id, e] of entries) {
        this.index.set(id, this.list.length);
        this.list.push(this.summarize(e));
      }
      this.reordered = false;
    } else if (this.dirty.size > 0) {
      this.list = this.list.slice();
      for (const id of this.dirty) {
        const at = this.index.get(id);
        const e = entries.get(id);
        if (at !== undefined && e !== undefined) this.list[at] = this.summarize(e);
      }
    }
    this.dirty.clear();
    return this.list;
  }

  /** An independent listing that starts where this one is (lists and the index are shared: neither is ever changed). */
  copy(): Listing<E, S> {
    const out = new Listing(this.summarize, this.dirty);
    out.list = this.list;
    out.index = this.index;
    out.reordered = this.reordered;
    return out;
  }
}
