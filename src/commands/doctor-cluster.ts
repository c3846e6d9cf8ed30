// `mesos-panel doctor --cluster`: the preflight before the first π job. A short-lived framework launches one
// tiny task per active agent, with the real executor fetched from the advertised URL and run with the
// configured node path as the configured user, and says per agent what works and what to fix; then it tears
// itself down. The causes are read and named as the running job does (failure-cause.ts, agent-files.ts).
import type { Config } from '../config';
import type { Logger } from '../log';
import type { Finding } from '../hw/finding';
import { masterAccess, stateClientFor } from '../master-access';
import { type SchedulerCall, accept, acknowledge, decline, kill, teardown } from '../mesos/scheduler-calls';
import { SchedulerClient } from '../mesos/scheduler-client';
import type { Offer, SchedulerEvent, TaskStatus } from '../mesos/scheduler-events';
import { agentBaseUrl } from '../mesos/agent-files';
import { stderrLine } from '../pi/failure-watch';
import { executorBundle, type ExecutorBundle } from '../pi/executor-bundle';
import { ExecutorServer } from '../pi/executor-server';
import { classify, diagnose } from '../pi/failure-cause';
import { executorInfo, type ExecutorSpec, roomForATask, type TaskResources, taskInfo } from '../pi/offers';
import { encodeTaskRequest } from '../pi/task-data';
import { errorLine } from '../lib/error-line';

export interface ClusterCheckOptions {
  log: Logger;
  /** How long to wait for every agent's answer. */
  timeoutMs?: number;
  bundle?: ExecutorBundle;
  /** Port for the executor server; by default http.port, or any free one when that is taken (a running daemon). */
  httpPort?: number;
}

/** The smallest chunk the executor accepts: it proves the whole path in milliseconds of compute. */
const PROBE = { start: 0, end: 2, kernel: 'precise' as const };

interface AgentProbe {
  id: string;
  name: string;
  url: string | null;
  taskId?: string;
  result?: Finding;
}

export async function checkCluster(config: Config, o: ClusterCheckOptions): Promise<Finding[]> {
  const access = masterAccess(config);
  let agents: AgentProbe[];
  try {
    const state = await stateClientFor(config, access).fetchState();
    agents = state.snapshot.agentList.filter((a) => a.active).map((a) => ({ id: a.id, name: a.hostname || a.id, url: null }));
  } catch (err) {
    return [{ ok: false, check: 'cluster', detail: errorLine(err), fix: 'set "masters" in the config to the URLs of your masters, e.g. http://10.0.0.2:5050' }];
  }
  if (agents.length === 0) return [{ ok: false, check: 'cluster', detail: 'the master has no active agent', fix: 'start mesos-agent on the Pis and point them at this master' }];
  const bundle = o.bundle ?? executorBundle();
  const files = await serveExecutor(config, bundle, o);
  const c = config.pi;
  const spec: ExecutorSpec = { mode: 'per-task', nodePath: c.nodePath, url: files.url, sha256: bundle.sha256 };
  const resources: TaskResources = { taskCpus: c.taskCpus, taskMemMb: c.taskMemMb, executorCpus: c.executorCpus, executorMemMb: c.executorMemMb };
  const byId = new Map(agents.map((a) => [a.id, a]));
  const pending = new Map<string, Promise<void>>();
  let frameworkId: string | undefined;
  let finish = (): void => undefined;
  const allAnswered = new Promise<void>((resolve) => (finish = resolve));
  const send = (call: (fid: string) => SchedulerCall): void => {
    if (frameworkId) client.send(call(frameworkId)).catch((err: Error) => o.log.debug(`doctor: ${err.message}`));
  };
  const settle = (a: AgentProbe, f: Finding): void => {
    a.result ??= f;
    if (agents.every((x) => x.result)) finish();
  };
  const onOffer = (offer: Offer): void => {
    const a = byId.get(offer.agent_id.value);
    if (!a || a.taskId || a.result) return send((fid) => decline(fid, [offer.id.value], 60));
    a.url = offer.url ? agentBaseUrl(offer.url) : null;
    if (!roomForATask(offer, spec, resources)) {
      // Busy agents offer again when their tasks end; only say so if they never have room.
      return send((fid) => decline(fid, [offer.id.value], 1));
    }
    a.taskId = `doctor-${Date.now().toString(36)}-${agents.indexOf(a)}`;
    const launch = { taskId: a.taskId, agentId: a.id, ...PROBE, data: encodeTaskRequest(PROBE) };
    send((fid) => accept(fid, [offer.id.value], [taskInfo(launch, executorInfo(spec, resources, a.taskId), resources)], 60));
  };
  const onUpdate = (s: TaskStatus): void => {
    if (s.uuid !== undefined && s.agent_id) send((fid) => acknowledge(fid, s.agent_id!.value, s.task_id.value, s.uuid!));
    const a = agents.find((x) => x.taskId === s.task_id.value);
    if (!a || a.result) return;
    if (s.state === 'TASK_FINISHED') {
      return settle(a, { ok: true, check: `agent ${a.name}`, detail: `ran a π task: fetched ${files.url}, started ${c.nodePath} as ${c.user}` });
    }
    const k = classify(s);
    if (!k) return;
    const read = k.readSandbox && a.url && frameworkId && s.executor_id ? stderrLine(a.url, frameworkId, s.executor_id.value, access).catch(() => null) : Promise.resolve(null);
    pending.set(a.id, read.then((stderr) => {
      const d = diagnose(k.kind, s.message ?? s.state, stderr, { nodePath: c.nodePath, user: c.user, executorUrl: files.url }, a.name);
      settle(a, { ok: false, check: `agent ${a.name}`, detail: `${k.kind} failed: ${d.detail}`, fix: d.fix ?? "read the executor's stderr in its sandbox on that agent" });
    }));
  };
  const client = new SchedulerClient({
    masters: config.masters,
    ...access,
    logger: o.log.child('doctor'),
    framework: { user: c.user, name: `${c.frameworkName} (doctor)`, roles: [c.role], hostname: config.http.advertiseHost ?? undefined, failoverTimeoutSeconds: 0, checkpoint: false },
    onEvent: (e: SchedulerEvent) => {
      if (e.type === 'SUBSCRIBED') frameworkId = e.subscribed.framework_id.value;
      else if (e.type === 'OFFERS') e.offers.offers.forEach(onOffer);
      else if (e.type === 'UPDATE') onUpdate(e.update.status);
    },
  });
  const timeoutMs = o.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    client.start();
    await Promise.race([allAnswered, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    await Promise.all(pending.values());
  } finally {
    clearTimeout(timer);
    for (const a of agents) if (a.taskId && !a.result) send((fid) => kill(fid, a.taskId!, a.id));
    if (frameworkId && client.state.phase === 'subscribed') await client.send(teardown(frameworkId)).catch((err: Error) => o.log.warn(`doctor: TEARDOWN failed: ${err.message}`));
    await client.stop();
    await files.close();
  }
  const subscribed = frameworkId !== undefined;
  return agents.map((a) => a.result ?? unanswered(a, subscribed, client.state.lastError, timeoutMs));
}

function unanswered(a: AgentProbe, subscribed: boolean, lastError: string | undefined, timeoutMs: number): Finding {
  const check = `agent ${a.name}`;
  if (!subscribed) return { ok: false, check, detail: `no master accepted the doctor's framework: ${lastError ?? 'no answer'}`, fix: 'check "masters", the credentials and pi.role' };
  if (!a.taskId) return { ok: false, check, detail: `offered no room for a task within ${timeoutMs / 1000} s`, fix: 'free the agent from other frameworks, or lower pi.taskCpus and pi.taskMemMb' };
  return { ok: false, check, detail: `its task did not finish within ${timeoutMs / 1000} s`, fix: 'check that the agent reaches the executor URL and that node starts there (see its sandbox)' };
}

/** The configured port, or any free one when it is taken (the daemon serves there): the agents fetch the URL it advertises. */
async function serveExecutor(config: Config, bundle: ExecutorBundle, o: ClusterCheckOptions): Promise<ExecutorServer> {
  const start = (port: number) => ExecutorServer.start({ bundle, bind: config.http.bind, port, advertiseHost: config.http.advertiseHost, logger: o.log.child('executor-server') });
  if (o.httpPort !== undefined) return start(o.httpPort);
  try {
    return await start(config.http.port);
  } catch {
    return start(0);
  }
}
