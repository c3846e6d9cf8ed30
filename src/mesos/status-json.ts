// The object `mesos-panel status --json` prints (issue 2 item 4): the snapshot's cluster totals, keys in this
// order, without the per-agent and per-framework lists that only the screens use.
import type { ClusterSnapshot, ResourceUse } from './snapshot';

export interface StatusJson {
  leader: string | null;
  version: string | null;
  agents: { active: number; inactive: number; unreachable: number };
  cpus: ResourceUse;
  mem: ResourceUse;
  disk: ResourceUse;
  gpus: ResourceUse;
  frameworks: { active: number };
  tasks: Record<string, number>;
}

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
    frameworks: { active: s.frameworks.active },
    tasks: { ...s.tasks },
  };
}
