import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as calls from '../../src/mesos/scheduler-calls';
import { RecordIODecoder } from '../../src/mesos/recordio';

const REAL = join(__dirname, '../fixtures/mesos/real-1.12.0');
const recorded: { call: unknown; status: number }[] = readFileSync(join(REAL, 'scheduler-calls.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const accepted = recorded.filter((r) => r.status === 202).map((r) => r.call as { type: string });
const ofType = (t: string) => accepted.filter((c) => c.type === t);

const FW = '8764bf41-b9a6-46da-a458-0fd7e65f2641-0000';
const AGENT = '8764bf41-b9a6-46da-a458-0fd7e65f2641-S0';

describe('scheduler call builders reproduce the calls a real 1.12.0 master accepted', () => {
  it('SUBSCRIBE: the minimal body', () => {
    expect(calls.subscribe({ user: 'root', name: 'probe' })).toEqual((recorded[0].call as object));
  });

  it('SUBSCRIBE: the framework_info the agent echoed back for the capture framework', () => {
    const stream = readFileSync(join(REAL, 'executor-stream.recordio'));
    const subscribed = JSON.parse(new RecordIODecoder().push(stream)[0].toString());
    const call = calls.subscribe({
      user: 'root',
      name: 'capture-framework',
      frameworkId: FW,
      failoverTimeoutSeconds: 3600,
      checkpoint: true,
      roles: ['*'],
      hostname: '127.0.0.1',
    });
    expect(call.type === 'SUBSCRIBE' && call.subscribe.framework_info).toEqual(subscribed.subscribed.framework_info);
  });

  it('SUBSCRIBE again: framework_id at the top level and in framework_info, equal', () => {
    const call = calls.subscribe({ user: 'pi', name: 'leibniz-pi', frameworkId: FW });
    expect(call).toEqual({
      type: 'SUBSCRIBE',
      framework_id: { value: FW },
      subscribe: { framework_info: { user: 'pi', name: 'leibniz-pi', id: { value: FW } } },
    });
  });

  it('SUBSCRIBE: a single deprecated role without MULTI_ROLE, roles with it', () => {
    const single = calls.subscribe({ user: 'pi', name: 'n', role: 'pi' });
    expect(single.type === 'SUBSCRIBE' && single.subscribe.framework_info).toEqual({ user: 'pi', name: 'n', role: 'pi' });
    const multi = calls.subscribe({ user: 'pi', name: 'n', roles: ['pi'], role: 'ignored', capabilities: ['MULTI_ROLE', 'PARTITION_AWARE'] });
    expect(multi.type === 'SUBSCRIBE' && multi.subscribe.framework_info).toEqual({
      user: 'pi',
      name: 'n',
      roles: ['pi'],
      capabilities: [{ type: 'MULTI_ROLE' }, { type: 'PARTITION_AWARE' }],
    });
  });

  it('ACCEPT with a LAUNCH of a task on a custom executor', () => {
    const task: calls.TaskInfo = {
      name: 'capture-task',
      task_id: { value: 'capture-task-1' },
      agent_id: { value: AGENT },
      resources: [calls.scalar('cpus', 0.5), calls.scalar('mem', 32)],
      executor: {
        executor_id: { value: 'capture-executor' },
        name: 'capture executor',
        command: {
          value: '/usr/bin/python3 /opt/capture/executor.py',
          shell: true,
          environment: { variables: [{ name: 'CAPTURE_DIR', value: '/opt/capture/out' }] },
        },
        resources: [calls.scalar('cpus', 0.1), calls.scalar('mem', 32)],
      },
      data: Buffer.from('{"start": 0, "end": 1000000, "kernel": "precise"}').toString('base64'),
    };
    expect(calls.accept(FW, ['8764bf41-b9a6-46da-a458-0fd7e65f2641-O0'], [task], 1)).toEqual(ofType('ACCEPT')[0]);
    const second = { ...task, task_id: { value: 'capture-task-2' } };
    expect(calls.accept(FW, ['8764bf41-b9a6-46da-a458-0fd7e65f2641-O0'], [second])).toEqual(ofType('ACCEPT')[1]);
  });

  it('ACCEPT refuses ids the master would refuse', () => {
    const bad = (taskId: string) =>
      calls.accept(FW, ['o'], [
        {
          name: 'x',
          task_id: { value: taskId },
          agent_id: { value: AGENT },
          resources: [],
          executor: { executor_id: { value: 'e' }, command: { value: 'true' }, resources: [] },
        },
      ]);
    expect(() => bad('a/b')).toThrow('task id "a/b" contains "/", "\\" or a control character; Mesos refuses such ids');
    expect(() => bad('')).toThrow(/is empty/);
    expect(() => bad('..')).toThrow(/"\.\."/);
    expect(() => bad('x'.repeat(256))).toThrow(/longer than 255 bytes/);
    expect(() => bad('leibniz-17-abc')).not.toThrow();
  });

  it('ACKNOWLEDGE passes the uuid through exactly as received', () => {
    const [first, second] = ofType('ACKNOWLEDGE');
    expect(calls.acknowledge(FW, AGENT, 'capture-task-1', 'BoTVf65jTg6G5rVve76G4g==')).toEqual(first);
    expect(calls.acknowledge(FW, AGENT, 'capture-task-1', '1b627NQdTa6uECVntHzNIA==')).toEqual(second);
  });

  it('RECONCILE explicit with agent ids, and implicit with an empty list', () => {
    const [explicit, implicit] = ofType('RECONCILE');
    expect(
      calls.reconcile(FW, [
        { taskId: 'capture-task-1', agentId: AGENT },
        { taskId: 'never-launched', agentId: AGENT },
      ]),
    ).toEqual(explicit);
    expect(calls.reconcile(FW)).toEqual(implicit);
    expect(calls.reconcile(FW, [{ taskId: 't' }])).toEqual({ type: 'RECONCILE', framework_id: { value: FW }, reconcile: { tasks: [{ task_id: { value: 't' } }] } });
  });

  it('DECLINE with refuse_seconds', () => {
    expect(calls.decline(FW, ['8764bf41-b9a6-46da-a458-0fd7e65f2641-O1'], 2)).toEqual(ofType('DECLINE')[0]);
  });

  it('SUPPRESS and REVIVE with roles, and without (all roles)', () => {
    expect(calls.suppress(FW, ['*'])).toEqual(ofType('SUPPRESS')[0]);
    expect(calls.revive(FW, ['*'])).toEqual(ofType('REVIVE')[0]);
    expect(calls.revive(FW)).toEqual({ type: 'REVIVE', framework_id: { value: FW }, revive: {} });
  });

  it('TEARDOWN and KILL', () => {
    expect(calls.teardown(FW)).toEqual(ofType('TEARDOWN')[0]);
    expect(calls.kill(FW, 't1', AGENT)).toEqual({ type: 'KILL', framework_id: { value: FW }, kill: { task_id: { value: 't1' }, agent_id: { value: AGENT } } });
  });

  it('jsonData is base64 of the JSON', () => {
    expect(Buffer.from(calls.jsonData({ start: 0, end: 10 }), 'base64').toString()).toBe('{"start":0,"end":10}');
  });
});
