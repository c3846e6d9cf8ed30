// `mesos-panel pi --digits D`: D checked, the plan for the cluster (src/app/digits-job.ts) said on stderr, and
// every problem on the way the command's one-line usage error.
import { UsageError } from '../cli-errors';
import type { Config } from '../config';
import type { Logger } from '../log';
import { planOnCluster } from '../app/digits-job';
import { DigitsPlanError, validateDigits, type DigitsPlan } from '../pi/digits-plan';
import { errorLine } from '../lib/error-line';

/** D from `--digits` (or pi.digits), checked; a bad value is the command's usage error. */
export function digitsOption(value: string | number): number {
  try {
    return validateDigits(value);
  } catch (err) {
    throw err instanceof DigitsPlanError ? new UsageError(err.message) : err;
  }
}

/** The plan for D decimals on the cluster the masters describe, with `terms` fixed if given; its why on stderr. */
export async function planForCluster(config: Config, masters: string[], digits: number, terms: number | undefined, log: Logger): Promise<DigitsPlan> {
  let plan: DigitsPlan;
  try {
    plan = await planOnCluster(config, masters, digits, terms);
  } catch (err) {
    throw new UsageError(errorLine(err));
  }
  log.info(`π digits job: ${plan.why}`);
  return plan;
}
