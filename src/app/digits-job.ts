// A job asked for by digits, planned for the cluster the masters describe now: `pi --digits D` and, with
// pi.digits set, the daemon's long press. The cluster's size is read once from /state when the job starts.
import type { Config } from '../config';
import { masterAccess, stateClientFor } from '../master-access';
import { clusterShapeOf, DigitsPlanError, planDigits, type DigitsPlan } from '../pi/digits-plan';
import type { ClusterSnapshot } from '../mesos/snapshot';
import { errorLine } from '../lib/error-line';

/** The plan for D decimals with `terms` fixed if given; throws DigitsPlanError or an Error of one line. */
export async function planOnCluster(config: Config, masters: string[], digits: number, terms?: number): Promise<DigitsPlan> {
  let snapshot: ClusterSnapshot;
  try {
    snapshot = (await stateClientFor(config, masterAccess(config), masters).fetchState()).snapshot;
  } catch (err) {
    throw new Error(`cannot plan ${digits} digits: ${errorLine(err)}`);
  }
  const shape = clusterShapeOf(snapshot, config.pi.taskCpus);
  if (shape.cores === 0) {
    throw new DigitsPlanError(`cannot plan ${digits} digits: no active agent has ${config.pi.taskCpus} CPUs for a task; add an agent or lower pi.taskCpus`);
  }
  return planDigits(digits, shape, terms);
}
