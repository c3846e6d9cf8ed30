// The π framework from a resolved config: the executor file server plus the PiService, as one PiController
// that the running panel drives and the headless `pi` command runs to the end.
import type { Config } from '../config';
import { masterAccess } from '../master-access';
import type { PiController } from './daemon';
import type { Logger } from '../log';
import type { PiView } from '../pi/view';
import { executorBundle, type ExecutorBundle } from '../pi/executor-bundle';
import { ExecutorServer } from '../pi/executor-server';
import type { KernelName } from '../pi/kernel';
import { PiService, type PiServiceOptions } from '../pi/service';
import type { HttpHost } from '../lib/http-host';
import { errorLine } from '../lib/error-line';
import { planOnCluster } from './digits-job';

export interface StartPiOptions {
  config: Config;
  log: Logger;
  /** Overrides for the one-shot command; the daemon takes everything from the config. */
  masters?: string[];
  terms?: number;
  kernel?: KernelName;
  httpPort?: number;
  /** The daemon's HTTP server, to serve the executor on; the one-shot command starts its own. */
  http?: HttpHost;
  /** A one-shot framework: no saved id, a short failover timeout, torn down at the end. */
  oneShot?: boolean;
  /** The executor to serve; by default bundled from the compiled executor next to the running code. */
  bundle?: ExecutorBundle;
  onDone?: () => void;
}

/** The running π framework: what the daemon's panel drives, plus the service for the CLI. */
export interface PiHost extends PiController {
  readonly service: PiService;
  readonly files: ExecutorServer;
}

/**
 * The long press with pi.digits set: an unfinished job resumes at once; otherwise the plan for the cluster as the
 * master describes it now, said in the log, and the job. A plan that cannot be made is a warning, nothing starts.
 */
function startDigits(service: PiService, config: Config, masters: string[], log: Logger): void {
  const digits = config.pi.digits!;
  if (service.job && !service.job.isDone()) return service.start();
  planOnCluster(config, masters, digits).then(
    (plan) => {
      log.info(`π digits job: ${plan.why}`);
      service.startDigits(plan);
    },
    (err: unknown) => log.warn(`π digits job not started: ${errorLine(err)}`),
  );
}

// Long enough to ride out a network blip, short enough that Mesos cleans up after a killed CLI run.
const ONE_SHOT_FAILOVER_SECONDS = 120;

export async function startPi(o: StartPiOptions): Promise<PiHost> {
  const { config, log } = o;
  const c = config.pi;
  const bundle = o.bundle ?? executorBundle();
  // Read before the server starts, so a bad credentials or CA file leaves nothing listening behind it.
  const access = masterAccess(config);
  const files = await ExecutorServer.start({
    bundle,
    bind: config.http.bind,
    // A one-shot job runs beside the daemon, which holds http.port: it takes any free port, and the agents
    // fetch from whatever URL it advertises.
    port: o.httpPort ?? (o.oneShot ? 0 : config.http.port),
    advertiseHost: config.http.advertiseHost,
    host: o.http,
    logger: log.child('executor-server'),
  });
  const options: PiServiceOptions = {
    masters: o.masters ?? config.masters,
    ...access,
    framework: {
      user: c.user,
      name: o.oneShot ? `${c.frameworkName} (cli)` : c.frameworkName,
      role: c.role,
      failoverTimeoutSeconds: o.oneShot ? ONE_SHOT_FAILOVER_SECONDS : c.failoverTimeoutSeconds,
      hostname: config.http.advertiseHost ?? undefined,
    },
    job: { terms: o.terms ?? c.terms, kernel: o.kernel ?? c.kernel, corrections: c.corrections },
    resources: { taskCpus: c.taskCpus, taskMemMb: c.taskMemMb, executorCpus: c.executorCpus, executorMemMb: c.executorMemMb },
    executor: { mode: c.executorMode, nodePath: c.nodePath, url: files.url, sha256: bundle.sha256 },
    refuseSeconds: c.refuseSeconds,
    logger: log.child('pi'),
    stateDir: o.oneShot ? null : config.stateDir,
    onDone: o.onDone,
  };
  let service: PiService;
  try {
    service = new PiService(options);
  } catch (err) {
    await files.close();
    throw err;
  }
  await service.open();
  const start = (): void => (c.digits === null || o.oneShot ? service.start() : startDigits(service, config, options.masters, log));
  if (c.autoStart && !o.oneShot) start();
  return {
    service,
    files,
    view: (now: number): PiView => service.view(now),
    start,
    reset: () => service.reset(),
    counters: () => service.job?.counters ?? null,
    stop: async () => {
      await (o.oneShot ? service.teardown() : service.stop());
      await files.close();
    },
  };
}
