import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseState } from '../../src/mesos/state-parse';
import { toStatusJson } from '../../src/mesos/status-json';

const FIXTURES = path.resolve(__dirname, '../fixtures/mesos');
const load = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));

describe('toStatusJson', () => {
  test('the real 1.12.0 master while a task runs prints exactly the issue 2 shape', () => {
    // Numbers from the raw file by the python3 script in state-parse.test.ts; leader from leader_info
    // (hostname 127.0.0.1, port 5050).
    const text = JSON.stringify(toStatusJson(parseState(load('real-1.12.0/master-state-task-running.json'))));
    expect(text).toBe(
      '{"leader":"127.0.0.1:5050","version":"1.12.0","agents":{"active":1,"inactive":0,"unreachable":0},' +
        '"cpus":{"total":4,"used":0.6,"offered":0,"free":3.4},"mem":{"total":2048,"used":64,"offered":0,"free":1984},' +
        '"disk":{"total":10000,"used":0,"offered":0,"free":10000},"gpus":{"total":0,"used":0,"offered":0,"free":0},' +
        '"frameworks":{"active":1,"registered":1},"tasks":{"TASK_RUNNING":1}}',
    );
  });

  test('keys come in the documented order and the per-agent lists are left out', () => {
    const s = toStatusJson(parseState(load('master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json')));
    expect(Object.keys(s)).toEqual(['leader', 'version', 'agents', 'cpus', 'mem', 'disk', 'gpus', 'frameworks', 'tasks']);
    expect(Object.keys(s.cpus)).toEqual(['total', 'used', 'offered', 'free']);
    expect(Object.keys(s.agents)).toEqual(['active', 'inactive', 'unreachable']);
  });

  test('an old master without leader or version prints null for both and {} for no tasks', () => {
    const d = load('master-state__v0.28.0_1agent_reserved-role__mesosphere-marathon.json') as Record<string, unknown>;
    delete d.leader;
    delete d.version;
    const s = toStatusJson(parseState(d));
    expect(s.leader).toBeNull();
    expect(s.version).toBeNull();
    expect(JSON.stringify(s.tasks)).toBe('{}');
  });
});
