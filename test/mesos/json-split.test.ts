import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseSplit } from '../../src/mesos/json-split';
import { decodeOperatorEvent } from '../../src/mesos/operator-events';

const DIR = path.resolve(__dirname, '../fixtures/mesos/real-1.12.0/operator-stream');
const buf = (text: string) => Buffer.from(text, 'utf8');
const same = (v: unknown) => v;

describe('parseSplit', () => {
  test('gives what JSON.parse gives, the array at the path an element at a time', () => {
    const text = '{"a":1,"b":{"tasks":"no","c":{"tasks":[{"x":"]\\"[,{"} , "a,b",3,[4,{"y":[5]}],null,"é"]},"d":[{"tasks":[9]}]}}';
    const r = parseSplit(buf(text), ['b', 'c', 'tasks'], (v, n) => ({ n, v }));
    const whole = JSON.parse(text) as { b: { c: { tasks: unknown[] } } };
    expect(r.items).toEqual(whole.b.c.tasks.map((v, n) => ({ n, v })));
    whole.b.c.tasks = [];
    expect(r.root).toEqual(whole);
  });

  test('an empty array, and a path that is not there', () => {
    expect(parseSplit(buf('{"t":[ ]}'), ['t'], same)).toEqual({ root: { t: [] }, items: [] });
    expect(parseSplit(buf('{"t":{"u":1}}'), ['t', 'x'], same)).toEqual({ root: { t: { u: 1 } }, items: null });
  });

  test('a key there twice is parsed whole, as JSON.parse keeps the last, however the second is spelled', () => {
    for (const text of ['{"t":[1],"t":[2]}', '{"t":[1],"\\u0074":[2]}', '{"t":[1],"\\u0074":"x"}']) {
      expect(parseSplit(buf(text), ['t'], same)).toEqual({ root: JSON.parse(text), items: null });
    }
  });

  test('malformed text throws what JSON.parse throws', () => {
    expect(() => parseSplit(buf('{"t":[{"x":1},{x}]}'), ['t'], same)).toThrow(SyntaxError);
    expect(() => parseSplit(buf('{"t":[1,2'), ['t'], same)).toThrow(SyntaxError);
    expect(() => parseSplit(buf('{"t":[1],"u":}'), ['t'], same)).toThrow(SyntaxError);
  });
});

describe('a SUBSCRIBED past 1 MiB', () => {
  const getState = (JSON.parse(readFileSync(path.join(DIR, 'operator-get-state-job-running.json'), 'utf8')) as { get_state: { get_tasks: { tasks: { task_id: { value: string } }[] } } }).get_state;
  const [first] = getState.get_tasks.tasks;
  const tasks = Array.from({ length: 3000 }, (_, i) => ({ ...first, task_id: { value: `task-${i}` } }));
  const event = { type: 'SUBSCRIBED', subscribed: { get_state: { ...getState, get_tasks: { tasks } }, heartbeat_interval_seconds: 15 } };

  test('decodes its tasks one at a time to the same event as a small record', () => {
    const record = buf(JSON.stringify(event));
    expect(record.length).toBeGreaterThan(1024 * 1024);
    const split = decodeOperatorEvent(record);
    expect(split).toEqual(decodeOperatorEvent(record.toString('utf8')));
    expect(split.type === 'SUBSCRIBED' && split.cluster.tasks).toHaveLength(3000);
  });

  test('a malformed task or malformed JSON is the same one line as for a small record', () => {
    const bad = JSON.stringify({ ...event, subscribed: { ...event.subscribed, get_state: { ...getState, get_tasks: { tasks: [...tasks, { task_id: 7 }] } } } });
    expect(() => decodeOperatorEvent(buf(bad))).toThrow(/^operator event: subscribed\.get_state\.get_tasks\.tasks\[3000\]\.task_id is a number \(7\), expected an object$/);
    expect(() => decodeOperatorEvent(buf(bad.replace('"task-5"', 'task-5')))).toThrow(/^operator event: invalid JSON in a record of \d+ bytes \(Unexpected token/);
  });
});
