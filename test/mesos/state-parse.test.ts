import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { masterRole, parseState, StateFormatError } from '../../src/mesos/state-parse';

const FIXTURES = path.resolve(__dirname, '../fixtures/mesos');
const load = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));

/*
 * Every /state and state.json payload in the fixtures, with totals worked out from the raw file by this python3
 * script, not by our code (spec: issue 2 item 4; python's round(), then free = total - used - offered):
 *
 *   import json,sys
 *   R=['cpus','mem','disk','gpus']
 *   def sm(objs,key): return {r:sum(o.get(key,{}).get(r,0) for o in objs) for r in R}
 *   d=json.load(open(sys.argv[1])); S=d['slaves']; F=d['frameworks']
 *   tot=sm(S,'resources')
 *   used=sm(S,'used_resources') if any('used_resources' in s for s in S) else sm(F,'used_resources')
 *   off=sm(S,'offered_resources') if any('offered_resources' in s for s in S) else sm(F,'offered_resources')
 *   res={r:dict(total=round(tot[r],3),used=round(used[r],3),offered=round(off[r],3),
 *              free=round(round(tot[r],3)-round(used[r],3)-round(off[r],3),3)) for r in R}
 *   act=sum(1 for s in S if s.get('active',True)); tasks={}
 *   for fw in F:
 *     for t in fw.get('tasks',[]): tasks[t['state']]=tasks.get(t['state'],0)+1
 *   li=d.get('leader_info')
 *   leader=f"{li['hostname']}:{li['port']}" if li else (d['leader'].split('@',1)[1] if 'leader' in d else None)
 *   print(json.dumps(dict(leader=leader,version=d.get('version'),
 *     agents=dict(active=act,inactive=len(S)-act,unreachable=int(d.get('unreachable_slaves',0))),**res,
 *     frameworks=dict(active=sum(1 for fw in F if fw.get('active',True))),tasks=dict(sorted(tasks.items())))))
 *
 * Cross-checks by eye: dcos-ui cpus used 145.91 = 54.5 + 0 + 2 + 88.51 + 0.9 (frameworks, 0.22 has no agent
 * used_resources); its offered 8.4 is 8.40000000000185 plus e-12 float noise from the other frameworks.
 * The 0.28 capture has no frameworks (its one task is an orphan), so no tasks and used comes from the agent.
 */
const TABLE = [
  {
    file: "master-state__v0.19.1-based_4agents__mesosphere-mesos-dns.json",
    expected: {"leader": "1.2.3.4:5050", "version": "0.19.1", "agents": {"active": 4, "inactive": 0, "unreachable": 0}, "cpus": {"total": 32, "used": 0, "offered": 0, "free": 32}, "mem": {"total": 123892, "used": 0, "offered": 0, "free": 123892}, "disk": {"total": 6617191, "used": 0, "offered": 0, "free": 6617191}, "gpus": {"total": 0, "used": 0, "offered": 0, "free": 0}, "frameworks": {"active": 4, "registered": 4}, "tasks": {"TASK_KILLED": 1, "TASK_RUNNING": 9}},
  },
  {
    file: "master-state__v0.22.0_1agent__datadog-dd-agent.json",
    expected: {"leader": "127.0.0.1:5050", "version": "0.22.0", "agents": {"active": 1, "inactive": 0, "unreachable": 0}, "cpus": {"total": 1, "used": 1, "offered": 0, "free": 0}, "mem": {"total": 244, "used": 100, "offered": 0, "free": 144}, "disk": {"total": 35164, "used": 0, "offered": 0, "free": 35164}, "gpus": {"total": 0, "used": 0, "offered": 0, "free": 0}, "frameworks": {"active": 1, "registered": 1}, "tasks": {"TASK_RUNNING": 1}},
  },
  {
    file: "master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json",
    expected: {"leader": "172.16.0.15:5050", "version": "0.22.0", "agents": {"active": 6, "inactive": 0, "unreachable": 0}, "cpus": {"total": 240, "used": 145.91, "offered": 8.4, "free": 85.69}, "mem": {"total": 1540374, "used": 607548, "offered": 160289, "free": 772537}, "disk": {"total": 44661780, "used": 512, "offered": 7443118, "free": 37218150}, "gpus": {"total": 0, "used": 0, "offered": 0, "free": 0}, "frameworks": {"active": 5, "registered": 5}, "tasks": {"TASK_RUNNING": 131}},
  },
  {
    file: "master-state__v0.28.0_1agent_reserved-role__mesosphere-marathon.json",
    expected: {"leader": "192.168.99.10:5050", "version": "0.28.0", "agents": {"active": 1, "inactive": 0, "unreachable": 0}, "cpus": {"total": 8, "used": 1, "offered": 0, "free": 7}, "mem": {"total": 5078, "used": 128, "offered": 0, "free": 4950}, "disk": {"total": 52830, "used": 128, "offered": 0, "free": 52702}, "gpus": {"total": 0, "used": 0, "offered": 0, "free": 0}, "frameworks": {"active": 0, "registered": 0}, "tasks": {}},
  },
  {
    file: "master-state__v1.1.0_2agents_custom-executor-uri__huawei-cloudfederation-common.json",
    expected: {"leader": "172.31.44.22:5050", "version": "1.1.0", "agents": {"active": 2, "inactive": 0, "unreachable": 0}, "cpus": {"total": 4, "used": 1, "offered": 2, "free": 1}, "mem": {"total": 5856, "used": 1024, "offered": 2928, "free": 1904}, "disk": {"total": 29792, "used": 0, "offered": 14896, "free": 14896}, "gpus": {"total": 0, "used": 0, "offered": 0, "free": 0}, "frameworks": {"active": 1, "registered": 1}, "tasks": {"TASK_STARTING": 1}},
  },
  {
    file: "real-1.12.0/master-state-with-offer.json",
    expected: {"leader": "127.0.0.1:5050", "version": "1.12.0", "agents": {"active": 1, "inactive": 0, "unreachable": 0}, "cpus": {"total": 4, "used": 0, "offered": 4, "free": 0}, "mem": {"total": 2048, "used": 0, "offered": 2048, "free": 0}, "disk": {"total": 10000, "used": 0, "offered": 10000, "free": 0}, "gpus": {"total": 0, "used": 0, "offered": 0, "free": 0}, "frameworks": {"active": 1, "registered": 1}, "tasks": {}},
  },
  {
    file: "real-1.12.0/master-state-task-running.json",
    expected: {"leader": "127.0.0.1:5050", "version": "1.12.0", "agents": {"active": 1, "inactive": 0, "unreachable": 0}, "cpus": {"total": 4, "used": 0.6, "offered": 0, "free": 3.4}, "mem": {"total": 2048, "used": 64, "offered": 0, "free": 1984}, "disk": {"total": 10000, "used": 0, "offered": 0, "free": 10000}, "gpus": {"total": 0, "used": 0, "offered": 0, "free": 0}, "frameworks": {"active": 1, "registered": 1}, "tasks": {"TASK_RUNNING": 1}},
  },
  {
    file: "real-1.12.0/master-state-after.json",
    expected: {"leader": "127.0.0.1:5050", "version": "1.12.0", "agents": {"active": 1, "inactive": 0, "unreachable": 0}, "cpus": {"total": 4, "used": 0, "offered": 4, "free": 0}, "mem": {"total": 2048, "used": 0, "offered": 2048, "free": 0}, "disk": {"total": 10000, "used": 0, "offered": 10000, "free": 0}, "gpus": {"total": 0, "used": 0, "offered": 0, "free": 0}, "frameworks": {"active": 1, "registered": 1}, "tasks": {}},
  },
];

describe('parseState on every /state fixture', () => {
  test.each(TABLE)('$file', ({ file, expected }) => {
    const { agentList, frameworkList, ...totals } = parseState(load(file));
    expect(totals).toEqual(expected);
    expect(agentList).toHaveLength(expected.agents.active + expected.agents.inactive);
    expect(frameworkList.filter((f) => f.active)).toHaveLength(expected.frameworks.active);
  });

  test('the table covers every state payload in the fixture folders', () => {
    const files = [
      ...readdirSync(FIXTURES),
      ...readdirSync(path.join(FIXTURES, 'real-1.12.0')).map((f) => `real-1.12.0/${f}`),
    ].filter((f) => /master-state(__|-(?!summary))/.test(f) && f.endsWith('.json'));
    expect(files.sort()).toEqual(TABLE.map((t) => t.file).sort());
  });

  // Per-framework and per-agent values by the python one-liners
  //   [[f["name"],len(f.get("tasks",[])),round(f.get("used_resources",{}).get("cpus",0),3),round(...mem...)] for f in d["frameworks"]]
  //   [[s["hostname"],s.get("active",True),s["resources"]["cpus"],s.get("used_resources",{}).get("cpus",0),
  //     s.get("offered_resources",{}).get("cpus",0),s["resources"]["mem"]] for s in d["slaves"]]
  test('frameworkList and agentList of the dcos-ui capture', () => {
    const s = parseState(load('master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json'));
    expect(s.frameworkList.map((f) => [f.name, f.tasks, f.cpusUsed, f.memUsed])).toEqual([
      ['Storm!!!', 50, 54.5, 265000],
      ['dispatch-0.0.1', 0, 0, 0],
      ['chronos-2.3.1_mesos-0.20.1-SNAPSHOT', 2, 2, 1024],
      ['marathon', 76, 88.51, 338068],
      ['hdfs', 3, 0.9, 3456],
    ]);
    expect(s.agentList.map((a) => [a.hostname, a.active, a.cpus.total, a.mem.total])).toEqual([
      ['srv3.hw.ca1.mesosphere.com', true, 40, 256729],
      ['srv7.hw.ca1.mesosphere.com', true, 40, 256730],
      ['srv2.hw.ca1.mesosphere.com', true, 40, 256729],
      ['srv6.hw.ca1.mesosphere.com', true, 40, 256729],
      ['srv5.hw.ca1.mesosphere.com', true, 40, 256728],
      ['srv4.hw.ca1.mesosphere.com', true, 40, 256729],
    ]);
    // 0.22 agents carry no used/offered: per agent those read 0 (the cluster totals come from the frameworks).
    expect(s.agentList[0].cpus).toEqual({ total: 40, used: 0, offered: 0, free: 40 });
  });

  test('agentList of the 1.1.0 capture carries per-agent used and offered', () => {
    const s = parseState(load('master-state__v1.1.0_2agents_custom-executor-uri__huawei-cloudfederation-common.json'));
    expect(s.agentList.map((a) => [a.hostname, a.active, a.cpus.total, a.cpus.used, a.cpus.offered, a.mem.total])).toEqual([
      ['ip-172-31-7-100.us-west-2.compute.internal', true, 2, 1, 0, 2928],
      ['ip-172-31-44-22', true, 2, 0, 2, 2928],
    ]);
    expect(s.agentList[1].cpus.free).toBe(0);
    expect(s.frameworkList).toEqual([
      { id: expect.any(String), name: 'Test Framework (Go)', active: true, tasks: 1, cpusUsed: 1, memUsed: 1024 },
    ]);
  });

  test('the real 1.12.0 master while a task runs', () => {
    const s = parseState(load('real-1.12.0/master-state-task-running.json'));
    expect(s.agentList).toEqual([
      {
        id: '8764bf41-b9a6-46da-a458-0fd7e65f2641-S0',
        hostname: '127.0.0.1',
        active: true,
        cpus: { total: 4, used: 0.6, offered: 0, free: 3.4 },
        mem: { total: 2048, used: 64, offered: 0, free: 1984 },
      },
    ]);
    expect(s.frameworkList.map((f) => [f.name, f.tasks, f.cpusUsed, f.memUsed])).toEqual([['capture-framework', 1, 0.6, 64]]);
  });
});

/** A small, valid 1.x document to break in the tests below. Hand-made. */
function doc(): Record<string, any> {
  return {
    version: '1.11.0',
    pid: 'master@10.0.0.2:5050',
    leader: 'master@10.0.0.2:5050',
    elected_time: 1700000000.5,
    unreachable_slaves: 2.0,
    slaves: [
      { id: 'S0', hostname: 'pi-1', active: true, resources: { cpus: 4.0, mem: 3794.0, disk: 20000.0, gpus: 0.0, ports: '[31000-32000]' },
        used_resources: { cpus: 1.5, mem: 512.0, disk: 0.0, gpus: 0.0 }, offered_resources: { cpus: 2.5, mem: 0.0, disk: 0.0, gpus: 0.0 } },
      { id: 'S1', hostname: 'pi-2', active: false, resources: { cpus: 4.0, mem: 3794.0, disk: 20000.0, gpus: 0.0 },
        used_resources: { cpus: 0.0, mem: 0.0, disk: 0.0, gpus: 0.0 }, offered_resources: { cpus: 0.0, mem: 0.0, disk: 0.0, gpus: 0.0 } },
    ],
    frameworks: [
      { id: 'F0', name: 'pi', active: true, used_resources: { cpus: 1.5, mem: 512.0 }, offered_resources: {},
        tasks: [{ state: 'TASK_RUNNING' }, { state: 'TASK_RUNNING' }, { state: 'TASK_STAGING' }] },
      { id: 'F1', name: 'idle', active: false, tasks: [] },
      { id: 'F2', name: 'old', tasks: [{ state: 'TASK_KILLING' }] },
    ],
  };
}

describe('parseState semantics (hand-made documents)', () => {
  test('agents by active flag, unreachable from the top level, frameworks by active (missing counts)', () => {
    const s = parseState(doc());
    expect(s.agents).toEqual({ active: 1, inactive: 1, unreachable: 2 });
    // Registered counts the inactive one too: it still holds its tasks, and every screen counts this way.
    expect(s.frameworks).toEqual({ active: 2, registered: 3 });
    expect(s.frameworkList).toHaveLength(s.frameworks.registered);
    expect(s.tasks).toEqual({ TASK_KILLING: 1, TASK_RUNNING: 2, TASK_STAGING: 1 });
    expect(s.cpus).toEqual({ total: 8, used: 1.5, offered: 2.5, free: 4 });
    expect(s.leader).toBe('10.0.0.2:5050');
  });

  test('float noise is summed then rounded to 3 decimals, without -0', () => {
    const d = doc();
    d.slaves[0].resources.cpus = 14.5500000000001;
    d.slaves[0].used_resources.cpus = 7.1000000000004;
    d.slaves[0].offered_resources.cpus = 7.4499999999999;
    d.slaves[1].resources.cpus = 0.0004;
    d.slaves[1].used_resources.mem = 1e-12;
    const s = parseState(d);
    expect(s.cpus).toEqual({ total: 14.55, used: 7.1, offered: 7.45, free: 0 });
    expect(Object.is(s.cpus.free, 0)).toBe(true);
    expect(s.mem.used).toBe(512);
  });

  test('used and offered come from the frameworks when agents lack those keys (before 0.23)', () => {
    const d = doc();
    for (const a of d.slaves) {
      delete a.used_resources;
      delete a.offered_resources;
    }
    d.frameworks[0].offered_resources = { cpus: 0.25, mem: 100 };
    const s = parseState(d);
    expect(s.cpus).toEqual({ total: 8, used: 1.5, offered: 0.25, free: 6.25 });
    expect(s.mem).toEqual({ total: 7588, used: 512, offered: 100, free: 6976 });
  });

  test('tolerates what older masters omit: gpus, active, unreachable_slaves, version, leader', () => {
    const d = doc();
    for (const a of d.slaves) {
      delete a.resources.gpus;
      delete a.active;
    }
    delete d.unreachable_slaves;
    delete d.version;
    delete d.leader;
    const s = parseState(d);
    expect(s.gpus).toEqual({ total: 0, used: 0, offered: 0, free: 0 });
    expect(s.agents).toEqual({ active: 2, inactive: 0, unreachable: 0 });
    expect(s.version).toBeNull();
    expect(s.leader).toBeNull();
  });

  test('leader from leader_info: its hostname and port; the PID only when those are missing', () => {
    const d = doc();
    d.leader_info = { id: 'x', pid: 'master@10.0.0.2:5050', port: 5050, hostname: 'pi-master-1' };
    expect(parseState(d).leader).toBe('pi-master-1:5050');
    d.leader_info = { id: 'x', pid: 'master@10.0.0.3:5050' };
    expect(parseState(d).leader).toBe('10.0.0.3:5050');
    d.leader_info = { id: 'x', port: 5050, hostname: 'fe80::1' };
    expect(parseState(d).leader).toBe('[fe80::1]:5050');
  });
});

describe('parseState rejects unusable documents with one typed, one-line error', () => {
  const cases: Array<[string, (d: Record<string, any>) => unknown, string]> = [
    ['a resource that is a string', (d) => ((d.slaves[1].resources.cpus = '4'), d), 'state: slaves[1].resources.cpus is a string ("4"), expected a number'],
    ['slaves not an array', (d) => ((d.slaves = {}), d), 'state: slaves is an object, expected an array'],
    ['slaves missing', (d) => (delete d.slaves, d), 'state: slaves is missing, expected an array'],
    ['frameworks missing', (d) => (delete d.frameworks, d), 'state: frameworks is missing, expected an array'],
    ['an agent without resources', (d) => (delete d.slaves[0].resources, d), 'state: slaves[0].resources is missing, expected an object'],
    ['an agent that is not an object', (d) => ((d.slaves[1] = 'S1'), d), 'state: slaves[1] is a string ("S1"), expected an object'],
    ['active that is a string', (d) => ((d.slaves[0].active = 'true'), d), 'state: slaves[0].active is a string ("true"), expected true or false'],
    ['a task without a state', (d) => (delete d.frameworks[2].tasks[0].state, d), 'state: frameworks[2].tasks[0].state is missing, expected a string'],
    ['used_resources null', (d) => ((d.frameworks[0].used_resources = null), d), 'state: frameworks[0].used_resources is null, expected an object'],
    ['an infinite number', (d) => ((d.slaves[0].used_resources.mem = Infinity), d), 'state: slaves[0].used_resources.mem is a number (Infinity), expected a number'],
    ['a version that is a number', (d) => ((d.version = 1.11), d), 'state: version is a number (1.11), expected a string'],
    ['leader_info not an object', (d) => ((d.leader_info = 'x'), d), 'state: leader_info is a string ("x"), expected an object'],
    ['an array', () => [], 'state: the document is an array, expected an object'],
    ['null', () => null, 'state: the document is null, expected an object'],
  ];
  test.each(cases)('%s', (_name, mutate, message) => {
    let err: unknown;
    try {
      parseState(mutate(doc()));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateFormatError);
    expect((err as Error).message).toBe(message);
    expect((err as Error).message).not.toContain('\n');
  });

  test('a long string value is shortened in the message', () => {
    const d = doc();
    d.slaves[0].hostname = 42;
    d.slaves[0].id = 'x'.repeat(500);
    expect(() => parseState(d)).toThrow(/^state: slaves\[0\]\.hostname is a number \(42\), expected a string$/);
    d.slaves[0].resources.mem = 'y'.repeat(500);
    expect(() => parseState(d)).toThrow(`state: slaves[0].resources.mem is a string ("${'y'.repeat(39)}…"), expected a number`);
  });

  test('the error names where the document came from', () => {
    const d = doc();
    d.slaves[0].resources.cpus = '4';
    let err: StateFormatError | undefined;
    try {
      parseState(d, 'http://10.0.0.2:5050/master/state');
    } catch (e) {
      err = e as StateFormatError;
    }
    expect(err).toBeInstanceOf(StateFormatError);
    expect(err?.message).toBe('http://10.0.0.2:5050/master/state: slaves[0].resources.cpus is a string ("4"), expected a number');
    expect(err?.path).toBe('slaves[0].resources.cpus');
  });
});

describe('masterRole', () => {
  // Hand-made from the 0.28 capture: what its master would answer as a non-leader (a.7: slaves [] and a
  // leader PID other than its own), and before any leader is elected.
  const follower = (): Record<string, any> => {
    const d = load('master-state__v0.28.0_1agent_reserved-role__mesosphere-marathon.json') as Record<string, any>;
    d.pid = 'master@192.168.99.11:5050';
    d.slaves = [];
    d.frameworks = [];
    delete d.elected_time;
    return d;
  };

  test('every fixture is a leader', () => {
    for (const { file } of TABLE) expect(masterRole(load(file))).toEqual({ role: 'leader' });
  });

  test('a 0.28 non-leader names the leader by its PID address', () => {
    expect(masterRole(follower())).toEqual({ role: 'follower', leader: '192.168.99.10:5050' });
  });

  test('an empty view with no leader at all means no leader yet', () => {
    const d = follower();
    delete d.leader;
    expect(masterRole(d)).toEqual({ role: 'no-leader' });
  });

  test('an elected leader with no agents yet is still the leader', () => {
    const d = doc();
    d.slaves = [];
    expect(masterRole(d)).toEqual({ role: 'leader' });
    expect(parseState(d).agents).toEqual({ active: 0, inactive: 0, unreachable: 2 });
  });

  test('anything else is left to parseState to judge', () => {
    expect(masterRole(null)).toEqual({ role: 'leader' });
    expect(masterRole({ slaves: 'x' })).toEqual({ role: 'leader' });
  });
});
