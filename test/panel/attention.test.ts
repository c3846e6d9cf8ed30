import { changedById, DEFAULT_ATTENTION, NEW_WATCH, type Notice, type Observation, type Watch, watch } from '../../src/panel/attention';
import type { AgentSummary, ClusterSnapshot } from '../../src/mesos/snapshot';
import { NOW, fixtureSnapshot } from './fixture-model';

const MIN = 60_000;
const agent = (id: string, extra: Partial<AgentSummary> = {}): AgentSummary => ({
  id,
  hostname: `pi-${id}`,
  active: true,
  cpus: { total: 4, used: 0, offered: 0, free: 4 },
  mem: { total: 1000, used: 0, offered: 0, free: 1000 },
  ...extra,
});

function snap(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  const base = fixtureSnapshot();
  return { ...base, leader: 'm1:5050', agentList: [agent('a'), agent('b'), agent('c')], agents: { active: 3, inactive: 0, unreachable: 0 }, frameworkList: [{ id: 'f', name: 'spark', active: true, tasks: 1, cpusUsed: 1, memUsed: 1 }], ...over };
}

/** Feeds observations one a minute (or at the times given) and collects what was raised. */
function run(observations: (Partial<Observation> & { at?: number })[]): { raised: Notice[]; watch: Watch } {
  let w = NEW_WATCH;
  const raised: Notice[] = [];
  observations.forEach((o, i) => {
    const r = watch(w, { snapshot: snap(), ...o, now: o.at ?? NOW + i * MIN }, DEFAULT_ATTENTION);
    w = r.watch;
    raised.push(...r.raised);
  });
  return { raised, watch: w };
}

const texts = (r: { raised: Notice[] }) => r.raised.map((n) => n.text);

describe('attention detector', () => {
  test('the first observation is the baseline, and a quiet cluster raises nothing', () => {
    expect(texts(run([{ snapshot: snap({ leader: null }) }, {}]))).toEqual([]);
    expect(texts(run([{}, {}, {}]))).toEqual([]);
  });

  test('a leader change, once', () => {
    expect(texts(run([{}, { snapshot: snap({ leader: 'm2:5050' }) }, { snapshot: snap({ leader: 'm2:5050' }) }]))).toEqual(['new leader m2:5050']);
  });

  test('an agent unreachable, removed, deactivated, draining', () => {
    const without = snap({ agentList: [agent('a'), agent('b')] });
    expect(texts(run([{}, { snapshot: { ...without, agents: { active: 2, inactive: 0, unreachable: 1 } } }]))).toEqual(['agent pi-c unreachable']);
    expect(texts(run([{}, { snapshot: without }]))).toEqual(['agent pi-c removed']);
    expect(texts(run([{}, { snapshot: snap({ agentList: [agent('a', { deactivated: true }), agent('b', { draining: true }), agent('c')] }) }]))).toEqual([
      'agent pi-a deactivated',
      'agent pi-b draining',
    ]);
  });

  test('a snapshot seen again and again (a source hands the same one out until the cluster changes) raises nothing, and the change after it what it would have', () => {
    const same = snap();
    const changed = snap({ agentList: [agent('a', { draining: true }), agent('b')], frameworkList: [{ id: 'f', name: 'spark', active: false, tasks: 1, cpusUsed: 1, memUsed: 1 }] });
    const r = run([{ snapshot: same }, { snapshot: same }, { snapshot: same }, { snapshot: changed }, { snapshot: changed }, { snapshot: same }]);
    expect(texts(r)).toEqual(['agent pi-c removed', 'agent pi-a draining', 'framework spark disconnected']);
  });

  test('lists are compared by id whether or not a source kept them in step, and the same entries pair alike', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => agent(id));
    const b2 = agent('b', { draining: true });
    const pairs = (was: AgentSummary[], next: AgentSummary[]) => changedById(was, next).map(([x, y]) => `${x?.id ?? '-'}${x === y ? '=' : '>'}${y?.id ?? '-'}${y?.draining ? '!' : ''}`);
    expect(pairs([a, b, c], [a, b, c])).toEqual([]);
    // In step: a walk, no maps.
    expect(pairs([a, b, c], [a, b2, c])).toEqual(['b>b!']);
    // Out of step (reordered, added, gone): by id, the gone first.
    expect(pairs([a, b, c], [c, b2, a])).toEqual(['b>b!']);
    expect(pairs([a, b, c], [a, b2, d])).toEqual(['c>-', 'b>b!', '->d']);
    expect(pairs([a, b, c], [a, c])).toEqual(['b>-']);
  });

  test('a rolling restart of one agent is one notice, and its lost tasks are not a failure burst', () => {
    const gone = snap({ agentList: [agent('a'), agent('b')], agents: { active: 2, inactive: 0, unreachable: 1 } });
    const r = run([
      { taskEnds: {} },
      { snapshot: gone, taskEnds: { TASK_LOST: 10 } },
      { snapshot: snap(), taskEnds: { TASK_LOST: 10 } },
      { snapshot: snap({ agentList: [agent('a'), agent('b'), agent('c', { draining: true })] }), taskEnds: { TASK_LOST: 10 } },
      { snapshot: gone, taskEnds: { TASK_LOST: 20 } },
    ]);
    expect(texts(r)).toEqual(['agent pi-c unreachable']);
    expect(r.watch.notices[0].repeats).toBe(2);
  });

  test('task failures raise a notice as a rate over the window, not one by one, and once per burst', () => {
    const ends = (n: number) => ({ taskEnds: { TASK_FAILED: n } });
    expect(texts(run([ends(0), ends(1), ends(2), ends(3)]))).toEqual([]);
    expect(texts(run([ends(0), ends(3), ends(6), ends(9), ends(12)]))).toEqual(['6 tasks failed in 5m']);
    // Spread thin, the same number is no burst: two a quarter hour.
    expect(texts(run([0, 2, 4, 6, 8].map((n, i) => ({ ...ends(n), at: NOW + i * 15 * MIN }))))).toEqual([]);
  });

  test('a framework disconnecting; a framework leaving is not', () => {
    const fw = (active: boolean) => snap({ frameworkList: [{ id: 'f', name: 'spark', active, tasks: 0, cpusUsed: 0, memUsed: 0 }] });
    expect(texts(run([{}, { snapshot: fw(false) }]))).toEqual(['framework spark disconnected']);
    expect(texts(run([{}, { snapshot: snap({ frameworkList: [] }) }]))).toEqual([]);
  });

  test('a master restarting repeatedly: under a minute of uptime seen twice within the hour', () => {
    const r = run([
      { masterStartedAt: NOW - 10 * 60 * MIN },
      { masterStartedAt: NOW + MIN - 5000 },
      { masterStartedAt: NOW + MIN - 5000 },
      { masterStartedAt: NOW + 3 * MIN - 20_000 },
    ]);
    expect(texts(r)).toEqual(['master restarted 2x in 1h']);
  });

  test('the list keeps the newest few', () => {
    const leaders = Array.from({ length: 12 }, (_, i) => ({ snapshot: snap({ leader: `m${i}:5050` }), at: NOW + i * 20 * MIN }));
    const r = run(leaders);
    expect(r.raised).toHaveLength(11);
    expect(r.watch.notices.map((n) => n.text)).toEqual(Array.from({ length: 8 }, (_, i) => `new leader m${11 - i}:5050`));
  });
});
