// The per-job failure rules and the causes they name, without I/O.
import { geometryOf, type Frame } from '../../src/panel/frame';
import { renderScreen } from '../../src/panel/render';
import { classify, diagnose, lastMeaningfulLine, type Settings } from '../../src/pi/failure-cause';
import { memoryLogger } from '../../src/log';
import { FailurePolicy, type Pause } from '../../src/pi/failure-policy';
import { FailureWatch } from '../../src/pi/failure-watch';
import { fullModel, RUNNING_PI } from '../panel/fixture-model';

const S: Settings = { nodePath: '/usr/local/bin/node', user: 'pi', executorUrl: 'http://pi-master:5055/executor.js' };
const NODE = diagnose('executor', 'Executor terminated', "Failed to execute '/usr/local/bin/node': No such file or directory", S, 'pi-2');
const OPTS = { budget: 30, minSameCause: 3, probeMs: 60_000 };

describe('classify', () => {
  it('tells launch, fetch, executor and kernel failures from tasks lost with their agent', () => {
    const launch = 'Failed to launch container: Failed to fetch all URIs for container \'c1\': exited with status 1';
    expect(classify({ state: 'TASK_FAILED', source: 'SOURCE_AGENT', reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: launch })).toEqual({ kind: 'fetch', counts: true, readSandbox: true });
    expect(classify({ state: 'TASK_FAILED', source: 'SOURCE_AGENT', reason: 'REASON_EXECUTOR_TERMINATED', message: 'Executor terminated' })).toEqual({ kind: 'executor', counts: true, readSandbox: true });
    expect(classify({ state: 'TASK_FAILED', source: 'SOURCE_EXECUTOR', message: 'kernel: bad range' })).toMatchObject({ kind: 'kernel', counts: true });
    expect(classify({ state: 'TASK_LOST', source: 'SOURCE_AGENT', reason: 'REASON_EXECUTOR_TERMINATED', message: "… No such user 'pi'" })).toMatchObject({ kind: 'launch', counts: true });
    for (const reason of ['REASON_AGENT_REMOVED', 'REASON_SLAVE_REMOVED', 'REASON_RECONCILIATION', 'REASON_INVALID_OFFERS']) {
      expect(classify({ state: 'TASK_LOST', source: 'SOURCE_MASTER', reason })).toMatchObject({ kind: 'lost', counts: false });
    }
    expect(classify({ state: 'TASK_UNREACHABLE', source: 'SOURCE_MASTER', reason: 'REASON_AGENT_UNREACHABLE' })).toMatchObject({ counts: false });
    expect(classify({ state: 'TASK_KILLED', source: 'SOURCE_EXECUTOR' })).toBeNull();
    expect(classify({ state: 'TASK_RUNNING' })).toBeNull();
  });
});

describe('lastMeaningfulLine', () => {
  it("skips glog INFO lines, node's stack frames and blank lines, and strips control characters", () => {
    const fetcher = "I1204 18:20:01.123456  4242 fetcher.cpp:290] Fetching URI 'http://x/e.js'\nFailed to fetch 'http://x/e.js': Error downloading resource: Couldn't connect to server\n\n";
    expect(lastMeaningfulLine(fetcher)).toBe("Failed to fetch 'http://x/e.js': Error downloading resource: Couldn't connect to server");
    const node = 'file.js:1\nSyntaxError: Unexpected token \u001b[31m?\n    at wrapSafe (node:internal)\n\nNode.js v12.22.0\n';
    expect(lastMeaningfulLine(node)).toBe('SyntaxError: Unexpected token  [31m?');
    expect(lastMeaningfulLine('I1204 18:20:01.1 1 a.cpp:1] only info\n')).toBeNull();
    expect(lastMeaningfulLine(`x${'/a'.repeat(400)}: Permission denied`)).toMatch(/^x\/a.*…\/a.*: Permission denied$/);
  });
});

describe('diagnose', () => {
  it('maps the common causes to the setting that fixes them', () => {
    expect(NODE).toMatchObject({ key: 'node-missing', short: 'no node at /usr/local/bin/node' });
    expect(NODE.fix).toMatch(/install Node\.js 18 or newer at \/usr\/local\/bin\/node on pi-2, or set pi\.nodePath/);
    const user = diagnose('launch', "Failed to create executor directory '/var/lib/mesos/x': Failed to chown directory to 'pi': No such user 'pi'", null, S, 'pi-2');
    expect(user).toMatchObject({ key: 'no-user', short: 'no user pi' });
    const fetch = diagnose('fetch', 'Failed to launch container: …', "Failed to fetch 'http://pi-master:5055/executor.js': Error downloading resource: Couldn't resolve host name", S, 'pi-2');
    expect(fetch).toMatchObject({ key: 'fetch', short: 'cannot fetch pi-master:5055' });
    expect(fetch.fix).toMatch(/http\.advertiseHost.*open port 5055/);
    const perm = diagnose('fetch', 'Failed to launch container: …', "Failed to fetch 'http://pi-master:5055/executor.js': Error downloading resource: Failed to open file handle of '/var/lib/mesos/x/executor.js': Permission denied", S, 'pi-2');
    expect(perm).toMatchObject({ key: 'sandbox-permission', short: 'sandbox not writable' });
    expect(perm.fix).toMatch(/let user pi write the agent's work_dir/);
  });

  it('gives one key to one unknown cause on different agents, whatever the paths and ids', () => {
    const a = diagnose('executor', 'Executor terminated', "Error: Cannot find module '/var/lib/mesos/slaves/S1/x/executor.js'", S, 'a');
    const b = diagnose('executor', 'Executor terminated', "Error: Cannot find module '/var/lib/mesos/slaves/S2/y/executor.js'", S, 'b');
    expect(a.key).toBe(b.key);
    expect(a.fix).toBeNull();
  });
});

describe('FailurePolicy', () => {
  it('pauses when one cause has failed on every agent that offers, and not before', () => {
    const p = new FailurePolicy(OPTS);
    for (const a of ['a1', 'a2', 'a3']) p.offered(a);
    expect(p.failed('a1', 'pi-1', NODE, 0)).toBeNull();
    expect(p.failed('a1', 'pi-1', NODE, 0)).toBeNull();
    expect(p.failed('a2', 'pi-2', NODE, 0)).toBeNull();
    const pause = p.failed('a3', 'pi-3', NODE, 0);
    expect(pause).toMatchObject({ failedTasks: 4, agents: ['pi-1', 'pi-2', 'pi-3'], short: 'paused: no node at /usr/local/bin/node - hold to resume' });
    expect(pause!.line).toBe(
      "π job paused after 4 failed tasks with no success: Failed to execute '/usr/local/bin/node': No such file or directory (on every agent that offers (pi-1, pi-2, pi-3)); fix: install Node.js 18 or newer at /usr/local/bin/node on pi-2, or set pi.nodePath to where node is on the agents",
    );
    expect(p.paused).toBe(pause);
    // Said once: more failures while paused start no second pause.
    expect(p.failed('a3', 'pi-3', NODE, 0)).toBeNull();
  });

  it("names a cause with the sandbox's line when one read of it came too late and found nothing", () => {
    const p = new FailurePolicy(OPTS);
    p.offered('a1');
    const launch = "Failed to launch container: Failed to fetch all URIs for container 'c1': exited with status 1";
    const bare = diagnose('fetch', launch, null, S, 'pi-1');
    const said = diagnose('fetch', launch, "Failed to fetch 'http://pi-master:5055/executor.js': Error downloading resource: Couldn't connect to server", S, 'pi-1');
    expect([bare.key, bare.fromSandbox, said.fromSandbox]).toEqual([said.key, false, true]);
    // An empty stderr is no line at all: the update's message is the detail.
    expect(diagnose('fetch', launch, '', S, 'pi-1')).toEqual(bare);
    p.failed('a1', 'pi-1', bare, 0);
    p.failed('a1', 'pi-1', said, 0);
    expect(p.failed('a1', 'pi-1', bare, 0)?.line).toContain(`no success: ${said.detail} (on every agent`);
  });

  it('does not count an agent that went away as one that offers', () => {
    const p = new FailurePolicy(OPTS);
    for (const a of ['a1', 'a2']) p.offered(a);
    p.agentGone('a2');
    p.failed('a1', 'pi-1', NODE, 0);
    p.failed('a1', 'pi-1', NODE, 0);
    expect(p.failed('a1', 'pi-1', NODE, 0)?.line).toContain('(on every agent that offers (pi-1))');
  });

  it('pauses on the budget of failures in a row whatever their causes, and a success starts the count again', () => {
    const p = new FailurePolicy(OPTS);
    p.offered('healthy');
    const varied = (i: number) => diagnose('executor', 'Executor terminated', `crash number ${'x'.repeat(i)}`, S, 'a');
    for (let i = 0; i < 29; i++) expect(p.failed('a1', 'pi-1', varied(i), 0)).toBeNull();
    expect(p.succeeded('a1')).toBeNull();
    for (let i = 0; i < 29; i++) expect(p.failed('a1', 'pi-1', varied(i), 0)).toBeNull();
    expect(p.failed('a1', 'pi-1', varied(0), 0)?.line).toMatch(/^π job paused after 30 failed tasks with no success: crash number {2}\(30 failures in a row, most on pi-1\); fix: read the executor's stderr/);
  });

  it('lets one probe through per period while paused; a success or the button ends the pause', () => {
    const p = new FailurePolicy(OPTS);
    p.offered('a1');
    for (let i = 0; i < 3; i++) p.failed('a1', 'pi-1', NODE, 1000);
    expect(p.paused).not.toBeNull();
    expect(p.mayProbe(30_000)).toBe(false);
    expect(p.mayProbe(61_000)).toBe(true);
    expect(p.mayProbe(62_000)).toBe(false);
    expect(p.succeeded('a1')?.diagnosis.key).toBe('node-missing');
    expect(p.paused).toBeNull();
    for (let i = 0; i < 3; i++) p.failed('a1', 'pi-1', NODE, 0);
    p.resume();
    expect(p.paused).toBeNull();
    expect(p.mayProbe(1e9)).toBe(false);
  });

  it('avoids an agent that fails on a setting of its own, letting one probe through per period, until it succeeds', () => {
    const p = new FailurePolicy(OPTS);
    for (const a of ['a1', 'a2']) p.offered(a);
    for (let i = 0; i < 3; i++) p.failed('a1', 'pi-1', NODE, 1000);
    expect(p.paused).toBeNull();
    expect(p.avoids('a1', 2000)).toBe(true);
    expect(p.avoids('a2', 2000)).toBe(false);
    expect(p.avoids('a1', 61_000)).toBe(false);
    expect(p.avoids('a1', 62_000)).toBe(true);
    // A success elsewhere does not clear it; one there does.
    p.succeeded('a2');
    expect(p.avoids('a1', 63_000)).toBe(true);
    p.succeeded('a1');
    expect(p.avoids('a1', 63_000)).toBe(false);
    // Unknown causes (a crash, a kill) never make an agent avoided.
    const crash = diagnose('executor', 'Executor terminated', 'Killed', S, 'pi-2');
    for (let i = 0; i < 5; i++) p.failed('a2', 'pi-2', crash, 0);
    expect(p.avoids('a2', 1)).toBe(false);
  });

  it('pauses when every agent that offers fails on a setting of its own, each a different one', () => {
    const p = new FailurePolicy(OPTS);
    for (const a of ['a1', 'a2']) p.offered(a);
    const user = diagnose('launch', "No such user 'pi'", null, S, 'pi-2');
    for (let i = 0; i < 3; i++) expect(p.failed('a1', 'pi-1', NODE, 0)).toBeNull();
    for (let i = 0; i < 2; i++) expect(p.failed('a2', 'pi-2', user, 0)).toBeNull();
    expect(p.failed('a2', 'pi-2', user, 0)?.line).toMatch(/^π job paused after 6 failed tasks with no success: .* \(on pi-\d; every other agent that offers fails on a setting of its own, see the log\)/);
  });

  it("fits every pause's screen line on a 20x4 LCD", () => {
    const causes = [
      NODE,
      diagnose('launch', "No such user 'mesos-pi'", null, S, 'x'),
      diagnose('fetch', '', "Failed to fetch 'http://192.168.100.200:5055/executor.js': x", { ...S, executorUrl: 'http://192.168.100.200:5055/executor.js' }, 'x'),
      diagnose('fetch', '', "Failed to fetch 'x': Failed to open file handle of 'y': Permission denied", S, 'x'),
    ];
    for (const d of causes) {
      const p = new FailurePolicy(OPTS);
      p.offered('a1');
      for (let i = 0; i < 3; i++) p.failed('a1', 'pi-agent-3', d, 0);
      const problem = p.paused!.short;
      const frame: Frame = renderScreen('pi', fullModel({ pi: { ...RUNNING_PI, state: 'idle', problem } }), geometryOf('20x4'));
      if (frame.kind !== 'chars') throw new Error('expected chars');
      // Every word of the line is on the glass: nothing was cut.
      const shown = frame.grid.lines.slice(1).join(' ').replace(/\s+/g, ' ').trim();
      expect(shown).toBe(problem);
    }
  });
});

describe('FailureWatch', () => {
  it('counts a result that is not valid data as a kernel error, with the ledger\'s words, and pauses on it', async () => {
    const logger = memoryLogger();
    const pauses: Pause[] = [];
    const w = new FailureWatch({ settings: S, logger, onPause: (p) => pauses.push(p), policy: OPTS });
    w.offer({ id: { value: 'o1' }, framework_id: { value: 'f' }, agent_id: { value: 'a1' }, hostname: 'pi-1', resources: [], executor_ids: [] });
    const status = { task_id: { value: 't' }, state: 'TASK_FINISHED', source: 'SOURCE_EXECUTOR', agent_id: { value: 'a1' } };
    const bad = { kind: 'kernel' as const, message: 'task t: result "hi" must be a finite number' };
    for (let i = 0; i < 3; i++) w.failed(status, 'f', () => 0, bad);
    await new Promise((r) => setImmediate(r));
    expect(logger.lines).toEqual(['warn: agent pi-1: kernel failure: task t: result "hi" must be a finite number']);
    expect(pauses.map((p) => p.short)).toEqual(['paused: kernel error: task t: result "hi" must be a finite number - hold to resume']);
    expect(w.room('a1', 1)).toBe(0);
    // Lost with its agent: not counted, nothing said.
    w.failed({ task_id: { value: 'u' }, state: 'TASK_LOST', source: 'SOURCE_MASTER', reason: 'REASON_AGENT_REMOVED', agent_id: { value: 'a1' } }, 'f', () => 0);
    await new Promise((r) => setImmediate(r));
    expect(logger.lines).toHaveLength(1);
  });
});
