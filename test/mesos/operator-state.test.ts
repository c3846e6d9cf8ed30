import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type OperatorEvent, decodeGetState, decodeOperatorEvent } from '../../src/mesos/operator-events';
import { type OperatorState, emptyState, fromCluster, reduce, snapshotOf } from '../../src/mesos/operator-state';
import { RecordIODecoder } from '../../src/mesos/recordio';
import { leaderOf, parseState } from '../../src/mesos/state-parse';
import { readStateSummary } from '../../src/mesos/state-summary';

const DIR = path.resolve(__dirname, '../fixtures/mesos/real-1.12.0/operator-stream');
const load = (file: string): unknown => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));
const MASTER = { leader: 'm:5050', version: '1.12.0', unreachable: 0, startedAt: null };

function known(e: ReturnType<typeof decodeOperatorEvent>): OperatorEvent {
  if (e.type === 'UNKNOWN') throw new Error(`unexpected UNKNOWN ${e.name}`);
  return e;
}

function replay(events: OperatorEvent[], start: OperatorState = emptyState(MASTER)): { state: OperatorState; problems: string[] } {
  let state = start;
  const problems: string[] = [];
  for (const e of events) {
    const r = reduce(state, e);
    state = r.state;
    if (r.problem) problems.push(r.problem);
  }
  return { state, problems };
}

const recorded = (): OperatorEvent[] => {
  const decoder = new RecordIODecoder({ maxRecordBytes: 1 << 20 });
  return decoder.push(readFileSync(path.join(DIR, 'operator-stream.recordio'))).map((r) => known(decodeOperatorEvent(r)));
};

const r = (cpus: number, mem: number) => [
  { name: 'cpus', type: 'SCALAR', scalar: { value: cpus } },
  { name: 'mem', type: 'SCALAR', scalar: { value: mem } },
  { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } },
];
const agentJson = (id: string, used: [number, number] = [0, 0]) => ({
  agent_info: { id: { value: id }, hostname: `h-${id}` },
  active: true,
  total_resources: r(4, 4000),
  allocated_resources: r(...used),
});
const taskJson = (id: string, agent: string, state = 'TASK_STAGING', fw = 'F') => ({
  task_id: { value: id }, framework_id: { value: fw }, agent_id: { value: agent }, state, resources: r(1, 100),
});
const ev = (o: unknown) => known(decodeOperatorEvent(JSON.stringify(o)));
const subscribed = (cluster: unknown) => ev({ type: 'SUBSCRIBED', subscribed: { get_state: cluster, heartbeat_interval_seconds: 15 } });
const fwJson = (id: string) => ({ framework_info: { id: { value: id }, name: `fw ${id}` }, active: true, connected: true });

describe('operator stream reducer on the real 1.12 recording', () => {
  test('GET_STATE and /state of the same moment give the same snapshot (the agent figures, frameworks, tasks)', () => {
    for (const moment of ['idle', 'job-running', 'agent-lost']) {
      const fromState = parseState(load(`master-state-${moment}.json`));
      const getState = (load(`operator-get-state-${moment}.json`) as { get_state: unknown }).get_state;
      const fromStream = snapshotOf(fromCluster(decodeGetState(getState, 'get_state'), MASTER));
      // The two reads were a moment apart, so only what did not change in between is compared.
      expect(fromStream.cpus.total).toBe(fromState.cpus.total);
      expect(fromStream.frameworkList.map((f) => f.id)).toEqual(fromState.frameworkList.map((f) => f.id));
    }
  });

  test('the recorded /state-summary refreshes a state to the snapshot of /state at the same moment', () => {
    const real = path.resolve(DIR, '..');
    const doc = JSON.parse(readFileSync(path.join(real, 'master-state-after.json'), 'utf8')) as Record<string, unknown>;
    const summary = readStateSummary(JSON.parse(readFileSync(path.join(real, 'master-state-summary.json'), 'utf8')));
    // The task had finished: the summary counts it under TASK_FINISHED, none live.
    expect(summary.agents.map((a) => a.liveTasks)).toEqual([0]);
    const facts = { leader: leaderOf(doc), version: '1.12.0', unreachable: 0, startedAt: null };
    const s = emptyState(MASTER);
    s.refresh(facts, summary);
    expect(snapshotOf(s)).toEqual(parseState(doc));
  });

  test('the whole stream replays without a problem and ends with the torn-down framework and its tasks gone', () => {
    const events = recorded();
    expect(events.map((e) => e.type).filter((t) => t === 'TASK_ADDED')).toHaveLength(12);
    const { state, problems } = replay(events);
    expect(problems).toEqual([]);
    const snap = snapshotOf(state);
    expect(snap.tasks).toEqual({});
    expect(snap.frameworkList).toEqual([]);
    expect(snap.agents).toEqual({ active: 2, inactive: 0, unreachable: 0 });
    // The agent that came back announced an executor still holding 0.1 cpus and 64 MB (its AGENT_ADDED's
    // allocated_resources): no event tells when that executor ends, the refresh does.
    expect(snap.cpus.used).toBe(0.1);
    expect(snap.mem.used).toBe(64);
  });

  test('mid-job the stream counts the running tasks and their cpus on their agents', () => {
    const events = recorded();
    const cut = events.findIndex((e, i) => i > 0 && e.type === 'TASK_UPDATED' && e.state === 'TASK_FINISHED');
    const { state } = replay(events.slice(0, cut));
    const snap = snapshotOf(state);
    expect(snap.tasks).toEqual({ TASK_RUNNING: 4 });
    expect(snap.frameworkList[0].tasks).toBe(4);
    // 4 tasks of 0.9 cpus; no executor share is known from the stream (an idle SUBSCRIBED had none).
    expect(snap.cpus.used).toBe(3.6);
  });
});

describe('operator stream reducer rules', () => {
  const base = () =>
    reduce(emptyState(MASTER), subscribed({ get_agents: { agents: [agentJson('A', [1.1, 132])] }, get_frameworks: { frameworks: [fwJson('F')] }, get_tasks: { tasks: [taskJson('t1', 'A', 'TASK_RUNNING')] } })).state;

  test('SUBSCRIBED splits an agent’s used resources into its tasks and the rest (executors)', () => {
    const s = base();
    expect(s.agents.get('A')?.otherUsed.cpus).toBeCloseTo(0.1);
    const next = reduce(s, ev({ type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F' }, status: { task_id: { value: 't1' } }, state: 'TASK_FINISHED' } })).state;
    expect(snapshotOf(next).cpus.used).toBe(0.1);
    expect(snapshotOf(next).mem.used).toBe(32);
  });

  test('is pure: the state given is not changed', () => {
    const s = base();
    const before = JSON.stringify(snapshotOf(s));
    reduce(s, ev({ type: 'TASK_ADDED', task_added: { task: taskJson('t2', 'A') } }));
    reduce(s, ev({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'A' } } }));
    expect(JSON.stringify(snapshotOf(s))).toBe(before);
  });

  test('a snapshot after an event rebuilds only the summaries the event touched', () => {
    const s = reduce(emptyState(MASTER), subscribed({ get_agents: { agents: [agentJson('A'), agentJson('B')] }, get_frameworks: { frameworks: [fwJson('F'), fwJson('G')] } })).state;
    const before = snapshotOf(s);
    const after = snapshotOf(reduce(s, ev({ type: 'TASK_ADDED', task_added: { task: taskJson('t2', 'A') } })).state);
    expect(after.agentList[1]).toBe(before.agentList[1]);
    expect(after.frameworkList[1]).toBe(before.frameworkList[1]);
    expect(after.agentList[0]).toMatchObject({ id: 'A', cpus: { used: 1 } });
    expect(before.agentList[0]).toMatchObject({ id: 'A', cpus: { used: 0 } });
    expect(after.frameworkList[0]).toMatchObject({ id: 'F', tasks: 1, cpusUsed: 1 });
  });

  test('applied in place, events give the states the pure steps give, and a snapshot is built once per change', () => {
    const events = recorded();
    const live = emptyState(MASTER);
    let pure = emptyState(MASTER);
    for (const e of events) {
      live.applyAll([e]);
      pure = reduce(pure, e).state;
      expect(JSON.stringify(live.snapshot())).toBe(JSON.stringify(snapshotOf(pure)));
    }
    const snap = live.snapshot();
    expect(live.snapshot()).toBe(snap);
    live.applyAll([{ type: 'HEARTBEAT' }]);
    expect(live.snapshot()).toBe(snap);
  });

  test('the agent list of a snapshot is the last one when no agent changed, and never changed once handed out', () => {
    const s = base();
    const before = s.snapshot();
    const listed = [...before.agentList];
    s.apply(ev({ type: 'FRAMEWORK_UPDATED', framework_updated: { framework: fwJson('F') } }));
    const after = s.snapshot();
    expect(after).not.toBe(before);
    expect(after.agentList).toBe(before.agentList);
    expect(after.frameworkList[0].tasks).toBe(1);
    s.apply(ev({ type: 'TASK_ADDED', task_added: { task: taskJson('t2', 'A') } }));
    expect(s.snapshot().agentList).not.toBe(before.agentList);
    expect(before.agentList).toEqual(listed);
  });

  test('cluster totals kept as running sums stay exact over many task changes', () => {
    const s = base();
    for (let i = 0; i < 5000; i++) {
      s.apply(ev({ type: 'TASK_ADDED', task_added: { task: { ...taskJson(`n${i}`, 'A', 'TASK_RUNNING'), resources: r(0.001, 0.1) } } }));
      if (i >= 3) s.apply(ev({ type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F' }, status: { task_id: { value: `n${i - 3}` } }, state: 'TASK_FINISHED' } }));
    }
    // 1.1 from base() plus the three tasks still running.
    expect(s.snapshot().cpus.used).toBe(1.103);
    expect(s.snapshot().mem.used).toBe(132.3);
    expect(s.snapshot().cpus.free).toBe(2.897);
  });

  test('a TASK_ADDED seen twice counts once (events replayed over a refresh)', () => {
    const add = ev({ type: 'TASK_ADDED', task_added: { task: taskJson('t2', 'A') } });
    const { state } = replay([add, add], base());
    expect(snapshotOf(state).tasks).toEqual({ TASK_RUNNING: 1, TASK_STAGING: 1 });
    expect(snapshotOf(state).cpus.used).toBe(2.1);
  });

  test('TASK_UPDATED before its TASK_ADDED is one problem line and changes nothing', () => {
    const s = base();
    const r1 = reduce(s, ev({ type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F' }, status: { task_id: { value: 'ghost' } }, state: 'TASK_RUNNING' } }));
    expect(r1.state).toBe(s);
    expect(r1.problem).toMatch(/^TASK_UPDATED \(TASK_RUNNING\) for task ghost of framework F before its TASK_ADDED/);
    expect(r1.problem).not.toMatch(/\n/);
  });

  test('events for agents and frameworks never announced: one line each, never a crash', () => {
    const s = base();
    const t = reduce(s, ev({ type: 'TASK_ADDED', task_added: { task: taskJson('t9', 'NOPE', 'TASK_RUNNING', 'G') } }));
    expect(t.problem).toMatch(/names agent NOPE and framework G/);
    expect(snapshotOf(t.state).tasks.TASK_RUNNING).toBe(2);
    expect(snapshotOf(t.state).cpus.used).toBe(1.1);
    // The agent announced later takes its task's share from its own used resources.
    const a = reduce(t.state, ev({ type: 'AGENT_ADDED', agent_added: { agent: agentJson('NOPE', [1, 100]) } }));
    expect(a.state.agents.get('NOPE')?.taskUsed.cpus).toBe(1);
    expect(reduce(s, ev({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'X' } } })).problem).toMatch(/AGENT_REMOVED for agent X/);
    expect(reduce(s, ev({ type: 'FRAMEWORK_REMOVED', framework_removed: { framework_info: { id: { value: 'X' }, name: 'x' } } })).problem).toMatch(/FRAMEWORK_REMOVED for framework X/);
  });

  test('AGENT_REMOVED and FRAMEWORK_REMOVED take their tasks with them', () => {
    const s = base();
    const a = reduce(s, ev({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'A' } } })).state;
    expect(snapshotOf(a)).toMatchObject({ tasks: {}, agents: { active: 0 }, frameworkList: [{ id: 'F', tasks: 0 }] });
    const f = reduce(s, ev({ type: 'FRAMEWORK_REMOVED', framework_removed: { framework_info: { id: { value: 'F' }, name: 'x' } } })).state;
    expect(snapshotOf(f)).toMatchObject({ tasks: {}, frameworkList: [] });
  });

  test('a resubscribe replaces the state, it does not merge', () => {
    const s = reduce(base(), subscribed({ get_agents: { agents: [agentJson('B')] } })).state;
    expect(snapshotOf(s).agentList.map((a) => a.id)).toEqual(['B']);
    expect(snapshotOf(s).tasks).toEqual({});
  });

  describe('a refresh from /state-summary', () => {
    const amounts = (cpus: number, mem: number) => ({ cpus, mem, disk: 0, gpus: 0 });
    const summaryAgent = (id: string, used: [number, number], liveTasks: number, more = {}) => ({
      id, hostname: `h-${id}`, active: true, deactivated: false, draining: false, total: amounts(4, 4000), used: amounts(...used), offered: amounts(0, 0), liveTasks, ...more,
    });
    const summaryFramework = (id: string, used: [number, number], liveTasks: number, more = {}) => ({ id, name: `fw ${id}`, active: true, connected: true, used: amounts(...used), offered: amounts(0, 0), liveTasks, ...more });
    const facts = { leader: 'n:5050', version: '1.12.0', unreachable: 1, startedAt: 5 };

    test('replaces agents, frameworks and master facts and keeps the tasks; executors hold what tasks do not', () => {
      const s = base();
      s.refresh(facts, { agents: [summaryAgent('A', [1.5, 400], 1, { deactivated: true, offered: amounts(2, 100) })], frameworks: [summaryFramework('F', [1.5, 400], 1, { connected: false })] });
      const snap = s.snapshot();
      expect(snap).toMatchObject({ leader: 'n:5050', version: '1.12.0', agents: { active: 1, unreachable: 1 }, tasks: { TASK_RUNNING: 1 } });
      expect(snap.cpus).toEqual({ total: 4, used: 1.5, offered: 2, free: 0.5 });
      expect(snap.agentList[0]).toMatchObject({ deactivated: true });
      expect(snap.frameworkList).toEqual([{ id: 'F', name: 'fw F', active: true, tasks: 1, cpusUsed: 1.5, memUsed: 400 }]);
      expect(s.agents.get('A')?.otherUsed.cpus).toBe(0.5);
      // The task ends: what its executor holds stays until the next refresh says otherwise.
      s.apply(ev({ type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F' }, status: { task_id: { value: 't1' } }, state: 'TASK_FINISHED' } }));
      expect(s.snapshot().cpus.used).toBe(0.5);
    });

    test('where the summary counted other live tasks than are held, it was written at another moment: the executors’ figure is kept', () => {
      const s = base();
      // Written before t1 started: 0.1 cpus of executor, no task; the held task is newer.
      s.refresh(facts, { agents: [summaryAgent('A', [0.1, 32], 0)], frameworks: [summaryFramework('F', [0.1, 32], 0)] });
      expect(s.agents.get('A')?.otherUsed.cpus).toBeCloseTo(0.1);
      expect(s.snapshot().cpus.used).toBe(1.1);
    });

    test('agents and frameworks it no longer lists go, with their tasks (an agent marked unreachable announces nothing)', () => {
      const s = base();
      s.refresh(facts, { agents: [summaryAgent('B', [0, 0], 0)], frameworks: [summaryFramework('F', [0, 0], 0)] });
      expect(s.snapshot()).toMatchObject({ tasks: {}, agentList: [{ id: 'B' }], frameworkList: [{ id: 'F', tasks: 0 }], cpus: { used: 0 } });
    });
  });

  test('ids from the stream are cut short and escaped in a problem line; a JSON error is one line (found by fuzzing)', () => {
    const id = `a\n${'x'.repeat(5000)}`;
    const r = reduce(base(), ev({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: id } } }));
    expect(r.problem).toMatch(/^AGENT_REMOVED for agent "a\\nx{45}…", which the stream has not announced; ignored$/);
    // V8 quotes the start of the text in its message, newlines and all.
    expect(() => decodeOperatorEvent('x\n{"type":"HEARTBEAT"}')).toThrow(/^operator event: invalid JSON in a record of 22 bytes \(Unexpected token 'x', "x \| \{[^\n]*\)$/);
  });

  test('unknown event types decode as UNKNOWN; malformed ones are one StateFormatError line', () => {
    expect(decodeOperatorEvent('{"type":"AGENT_UPDATED","agent_updated":{}}')).toEqual({ type: 'UNKNOWN', name: 'AGENT_UPDATED' });
    expect(() => decodeOperatorEvent('{"type":"TASK_ADDED","task_added":{"task":{"task_id":{"value":7}}}}')).toThrow(
      /^operator event: task_added\.task\.task_id\.value is a number \(7\), expected a string$/,
    );
    expect(() => decodeOperatorEvent('{"type":"TASK_ADDED"')).toThrow(/^operator event: invalid JSON in a record of 20 bytes/);
    expect(() => decodeOperatorEvent('{"type":"SUBSCRIBED","subscribed":{"heartbeat_interval_seconds":-1}}')).toThrow(/expected a positive number/);
  });
});
