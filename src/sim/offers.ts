// The allocator: turns agents' free resources into offers for subscribed HTTP frameworks, with DECLINE filters
// and SUPPRESS/REVIVE (src/master/allocator/mesos/hierarchical.cpp, much simplified: one pass per interval, no
// DRF between frameworks, whole free pool of an agent per offer).
import type { ClusterModel } from './cluster-model';
import type { SimAgent, SimFramework, SimOffer } from './cluster-entities';
import { type Resources, fits, toProtoList } from './resources';

// Master flag --min_allocatable_resources=cpus:0.01|mem:32: either one is enough to make an offer.
const MIN_CPUS = 0.01;
const MIN_MEM = 32;
// DECLINE: default refuse_seconds 5, negative means the default, above a year is capped (mesos.md b.5).
const DEFAULT_REFUSE_SECONDS = 5;
const MAX_REFUSE_SECONDS = 365 * 24 * 3600;

interface Filter {
  resources: Resources;
  until: number;
}

export class Allocator {
  private readonly filters = new Map<string, Filter>();
  private readonly suppressed = new Set<string>();

  constructor(
    private readonly model: ClusterModel,
    private readonly send: (frameworkId: string, event: { type: string }) => void,
    private readonly isConnected: (frameworkId: string) => boolean,
  ) {}

  /** One allocation pass: every eligible framework gets the unfiltered free resources of every active agent. */
  allocate(): void {
    const now = this.model.clock();
    for (const fw of this.model.frameworks.values()) {
      if (fw.background || !fw.active || !this.isConnected(fw.id) || this.suppressed.has(fw.id)) continue;
      const offers: SimOffer[] = [];
      for (const agent of this.model.agents.values()) {
        if (agent.status !== 'active') continue;
        const free = this.model.freeOn(agent.id);
        if (free.cpus < MIN_CPUS && free.mem < MIN_MEM) continue;
        const filter = this.filters.get(`${fw.id}/${agent.id}`);
        if (filter && filter.until > now && fits(free, filter.resources)) continue;
        offers.push(this.model.addOffer(fw.id, agent.id, free));
      }
      if (offers.length > 0) this.send(fw.id, { type: 'OFFERS', offers: { offers: offers.map((o) => this.offerJson(fw, o)) } } as { type: string });
    }
  }

  /** Returns resources to the pool, refusing them to this framework on this agent for a while. */
  decline(fw: SimFramework, agentId: string, resources: Resources, refuseSeconds: unknown): void {
    let secs = typeof refuseSeconds === 'number' && Number.isFinite(refuseSeconds) ? refuseSeconds : DEFAULT_REFUSE_SECONDS;
    if (secs < 0) secs = DEFAULT_REFUSE_SECONDS;
    secs = Math.min(secs, MAX_REFUSE_SECONDS);
    if (secs > 0) this.filters.set(`${fw.id}/${agentId}`, { resources, until: this.model.clock() + secs * 1000 });
  }

  suppress(frameworkId: string): void {
    this.suppressed.add(frameworkId);
  }

  /** Clears filters and lifts a suppression (mesos.md b.5 REVIVE). */
  revive(frameworkId: string): void {
    this.suppressed.delete(frameworkId);
    for (const key of [...this.filters.keys()]) if (key.startsWith(`${frameworkId}/`)) this.filters.delete(key);
  }

  offerJson(fw: SimFramework, o: SimOffer): Record<string, unknown> {
    const agent = this.model.requireAgent(o.agentId);
    const executorIds = [...fw.executors.values()].filter((e) => e.agentId === o.agentId).map((e) => ({ value: e.executorId }));
    const offer: Record<string, unknown> = {
      id: { value: o.id },
      framework_id: { value: fw.id },
      agent_id: { value: o.agentId },
      hostname: agent.hostname,
      url: agentUrl(agent),
      resources: toProtoList(o.resources),
    };
    // Repeated fields with no elements are left out of events (mesos.md b.1).
    if (executorIds.length > 0) offer.executor_ids = executorIds;
    offer.allocation_info = { role: '*' };
    return offer;
  }
}

function agentUrl(agent: SimAgent): Record<string, unknown> {
  return { scheme: 'http', address: { hostname: agent.hostname, ip: agent.ip, port: agent.port }, path: '/slave(1)' };
}
