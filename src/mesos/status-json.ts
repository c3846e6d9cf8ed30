// The object `mesos-panel status --json` prints, a contract for scripts: the snapshot's cluster totals, keys in this
// order, without the per-agent and per-framework lists that only the screens use.
import type { ClusterSnapshot, ResourceUse } from './snapshot';

/** The snapshot without the per-agent and per-framework lists. */
export type StatusJson = Omit<ClusterSnapshot, 'agentList' | 'frameworkList'>;

const resource = (r: ResourceUse): ResourceUse => ({ total: r.total, used: r.used, offered: r.offered, free: r.free });

export function toStatusJson(s: ClusterSnapshot): StatusJson {
  return {
    leader: s.leader,
    version: s.version,
    agents: { active: s.agents.active, inactive: s.agents.inactive, unreachable: s.agents.unreachable },
    cpus: resource(s.cpus),
    mem: resource(s.mem),
    disk: resource(s.disk),
    gpus: resource(s.gpus),
    frameworks: { active: s.frameworks.active, registered: s.frameworks.registered },
    tasks: { ...s.tasks },
  };
}
