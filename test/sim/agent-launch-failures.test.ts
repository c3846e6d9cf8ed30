// The simulated agent fails a launch as a real one does (the update, the FAILURE, the sandbox's stderr) and
// serves what a framework reads to learn why: /state with the sandbox directory, and /files/read.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SimCluster, startSimCluster } from '../../src/sim';
import { type Json, TestScheduler, executorInfo, launch, startFileServer, taskInfo } from './test-scheduler';

const FRAMEWORK = { user: 'root', name: 'sim-launch-failures', checkpoint: true, failover_timeout: 3600 };

describe('simulated agents: launch failures', () => {
  let cluster: SimCluster;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  let s: TestScheduler;

  beforeAll(async () => {
    files = await startFileServer();
    cluster = await startSimCluster({ agents: 1, seed: 7, background: false, allocationIntervalMs: 50, updateRetryMs: 5000, heartbeatIntervalSeconds: 1, tickMs: 50 });
  });
  beforeEach(async () => {
    s = new TestScheduler(cluster.url);
    await s.subscribe(FRAMEWORK);
  });
  afterEach(async () => {
    for (const a of cluster.agents.values()) a.host = { users: null, missing: new Set(), sandboxWritable: true };
    if (!s.ended) await s.call({ type: 'TEARDOWN' });
    s.close();
  });
  afterAll(async () => {
    await cluster.close();
    await files.close();
  });

  /** Launches one task with this executor; resolves with its first terminal update and the FAILURE that follows. */
  async function fail(taskId: string, executor: Json): Promise<{ status: Json; failure: Json; agent: string }> {
    const offer = (await s.next((e) => e.type === 'OFFERS')).offers.offers[0];
    const agentId = offer.agent_id.value as string;
    await s.call(launch(offer.id.value, [taskInfo(taskId, agentId, executor, {})]));
    const update = await s.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === taskId);
    const failure = await s.next((e) => e.type === 'FAILURE' && e.failure.executor_id?.value === executor.executor_id.value);
    return { status: update.update.status, failure: failure.failure, agent: `http://${cluster.agents.get(agentId)!.endpoint}` };
  }

  async function stderrOf(agent: string, executorId: string): Promise<string> {
    const state = (await (await fetch(`${agent}/state`)).json()) as Json;
    const fw = [...state.frameworks, ...state.completed_frameworks].find((f: Json) => f.id === s.frameworkId);
    const ex = [...fw.executors, ...fw.completed_executors].find((e: Json) => e.id === executorId);
    const path = encodeURIComponent(`${ex.directory}/stderr`);
    const size = (await (await fetch(`${agent}/files/read?path=${path}&offset=-1`)).json()) as Json;
    expect(size).toEqual({ data: '', offset: expect.any(Number) });
    const read = (await (await fetch(`${agent}/files/read?path=${path}&offset=0&length=${size.offset}`)).json()) as Json;
    expect(read.offset).toBe(0);
    // A directory, no path, and a file outside the sandboxes are refused as files.cpp does.
    expect((await fetch(`${agent}/files/read?path=${encodeURIComponent(ex.directory)}&offset=0`)).status).toBe(400);
    expect((await fetch(`${agent}/files/read?offset=0`)).status).toBe(400);
    expect((await fetch(`${agent}/files/read?path=%2Fetc%2Fpasswd&offset=0`)).status).toBe(404);
    return read.data;
  }

  it('node missing at the command path: the launch helper says so in stderr, exit 1, "Executor terminated"', async () => {
    const executor = { ...executorInfo(files.url, 'no-node'), command: { ...executorInfo(files.url, 'no-node').command, value: '/opt/nowhere/bin/node' } };
    const r = await fail('t-no-node', executor);
    expect(r.status).toMatchObject({ state: 'TASK_FAILED', source: 'SOURCE_AGENT', reason: 'REASON_EXECUTOR_TERMINATED', message: 'Executor terminated' });
    expect(r.failure.status).toBe(256);
    expect(await stderrOf(r.agent, 'no-node')).toMatch(/fetcher\.cpp:290\] Fetching URI '.*test-executor\.js'\nFailed to execute '\/opt\/nowhere\/bin\/node': No such file or directory\n$/);
  });

  it('an executor URL nothing answers: the fetcher fails the container launch', async () => {
    // A port nothing listens on (fetch refuses well-known ones like 9 before trying, which curl would not).
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const executor = executorInfo(`http://127.0.0.1:${port}`, 'no-fetch');
    const r = await fail('t-no-fetch', executor);
    expect(r.status).toMatchObject({ state: 'TASK_FAILED', source: 'SOURCE_AGENT', reason: 'REASON_CONTAINER_LAUNCH_FAILED' });
    expect(r.status.message).toMatch(/^Failed to launch container: Failed to fetch all URIs for container '[0-9a-f-]+': exited with status 1$/);
    expect(await stderrOf(r.agent, 'no-fetch')).toMatch(new RegExp(`\nFailed to fetch 'http://127\\.0\\.0\\.1:${port}/test-executor\\.js': Error downloading resource: Couldn't connect to server\n$`));
  });

  it('a sandbox the user cannot write: the fetcher cannot open its copy', async () => {
    for (const a of cluster.agents.values()) a.host = { ...a.host, sandboxWritable: false };
    const r = await fail('t-no-write', executorInfo(files.url, 'no-write'));
    expect(r.status.reason).toBe('REASON_CONTAINER_LAUNCH_FAILED');
    expect(await stderrOf(r.agent, 'no-write')).toMatch(/Error downloading resource: Failed to open file handle of '\/.*\/runs\/[0-9a-f-]+\/test-executor\.js': Permission denied\n$/);
  });

  it('a user the agent lacks: TASK_LOST from the agent, no sandbox, FAILURE with status -1', async () => {
    for (const a of cluster.agents.values()) a.host = { ...a.host, users: new Set(['pi']) };
    const r = await fail('t-no-user', executorInfo(files.url, 'no-user'));
    expect(r.status).toMatchObject({ state: 'TASK_LOST', source: 'SOURCE_AGENT', reason: 'REASON_EXECUTOR_TERMINATED' });
    expect(r.status.message).toMatch(/^Failed to create executor directory '\/.*\/executors\/no-user\/runs\/[0-9a-f-]+': Failed to chown directory to 'root': No such user 'root'$/);
    expect(r.failure.status).toBe(-1);
  });
});
