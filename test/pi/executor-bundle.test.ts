import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BundleError, bundleModules, executorBundle } from '../../src/pi/executor-bundle';
import { decodeTaskResult } from '../../src/pi/task-data';
import { FakeAgent, RECORDED_LAUNCH, RECORDED_SUBSCRIBED, agentEnv, buildExecutorBundle } from './executor-harness';

let dir: string;
let bundle: string;
const agents: FakeAgent[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'executor-bundle-'));
  bundle = buildExecutorBundle(join(dir, 'build'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => Promise.all(agents.splice(0).map((a) => a.stop())));

function run(script: string, env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the bundled executor as agents run it', () => {
  it('runs alone in an empty sandbox with plain node and only the agent-given environment', async () => {
    const sandbox = join(dir, 'sandbox');
    mkdirSync(sandbox);
    copyFileSync(bundle, join(sandbox, 'executor.js'));
    const agent = await new FakeAgent().start();
    agents.push(agent);
    agent.onSubscribe = () => {
      agent.send(RECORDED_SUBSCRIBED);
      agent.send(RECORDED_LAUNCH);
    };
    const env = agentEnv(agent, { MESOS_PANEL_EXECUTOR_IDLE_MS: '0', MESOS_DIRECTORY: sandbox, MESOS_SANDBOX: sandbox, PWD: sandbox });
    const { code, stdout, stderr } = await run(join(sandbox, 'executor.js'), env, sandbox);
    expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
    expect(stderr).toMatch(/^executor: task capture-task-1: \[0,1000000\) precise in \d+ ms/m);
    expect(agent.statuses.map((s) => s.state)).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
    const result = decodeTaskResult(Buffer.from(agent.statuses[1].data, 'base64'), { start: 0, end: 1_000_000, kernel: 'precise' });
    expect(result.hi).toBeCloseTo(Math.PI - 1e-6, 10);
  });

  it('exits 2 with one line naming every missing variable when started outside an agent', async () => {
    const { code, stderr } = await run(bundle, { PATH: '/usr/bin:/bin' }, dir);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: executor: executor environment: missing MESOS_AGENT_ENDPOINT, MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID, MESOS_CHECKPOINT; this program must be started by a Mesos agent\n',
    );
  });
});

describe('the bundler', () => {
  it('gives the same bytes each time and requires nothing but Node built-ins', () => {
    const entry = join(dir, 'build/src/pi/executor-main.js');
    const a = executorBundle({ entry });
    const b = executorBundle({ entry });
    expect(a.sha256).toBe(b.sha256);
    expect(a.sha256).toBe(createHash('sha256').update(readFileSync(bundle)).digest('hex'));
    const requires = [...a.bytes.toString().matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(requires.length).toBeGreaterThan(0);
    expect(requires.filter((r) => !r.startsWith('node:'))).toEqual([]);
    expect(executorBundle({ prebuilt: bundle }).sha256).toBe(a.sha256);
  });

  it('refuses a module outside Node, and names a missing file', () => {
    const src = join(dir, 'bad');
    mkdirSync(src);
    writeFileSync(join(src, 'main.js'), 'require("./helper");');
    writeFileSync(join(src, 'helper.js'), 'require("zod");');
    expect(() => bundleModules(join(src, 'main.js'))).toThrow(
      new BundleError('executor bundle: helper.js requires "zod", which is not a Node built-in; agents have no node_modules'),
    );
    writeFileSync(join(src, 'helper.js'), 'require("./gone");');
    expect(() => bundleModules(join(src, 'main.js'))).toThrow(/cannot find "\.\/gone" required by .*helper\.js; run the TypeScript build first/);
    expect(() => executorBundle({ prebuilt: join(src, 'nothing.js') })).toThrow(/cannot read .*nothing\.js; run npm run build/);
  });
});
