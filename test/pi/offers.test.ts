import type { Offer } from '../../src/mesos/scheduler-events';
import type { Launch } from '../../src/pi/ledger';
import { type ExecutorSpec, executorIdFor, executorInfo, tasksForOffer } from '../../src/pi/offers';

const SPEC: ExecutorSpec = { mode: 'per-agent', nodePath: '/usr/bin/node', url: 'http://pi-master:5055/executor.js', sha256: 'ab'.repeat(32) };
const RES = { taskCpus: 1, taskMemMb: 32, executorCpus: 0.1, executorMemMb: 64 };

function offer(cpus: number, mem: number, executorIds: string[] = []): Offer {
  return {
    id: { value: 'O1' },
    framework_id: { value: 'F' },
    agent_id: { value: 'S1' },
    hostname: 'pi-1',
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: mem }, role: '*' },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } },
    ],
    executor_ids: executorIds.map((value) => ({ value })),
  };
}

function chunks(limit = Infinity): (agentId: string) => Launch | null {
  let n = 0;
  return (agentId) => {
    if (n >= limit) return null;
    const start = n++ * 1000;
    return { taskId: `pi-j-${start}-${start + 1000}-1`, agentId, start, end: start + 1000, kernel: 'precise', data: JSON.stringify({ start, end: start + 1000, kernel: 'precise' }) };
  };
}

describe('offers to launches', () => {
  it('runs node by its absolute path on the fetched bundle, with argv[0] and no shell (mesos.md d)', () => {
    expect(executorInfo(SPEC, RES)).toEqual({
      executor_id: { value: 'mesos-panel-pi-abababababab' },
      name: 'mesos-panel π executor',
      command: {
        shell: false,
        value: '/usr/bin/node',
        arguments: ['/usr/bin/node', 'executor.js'],
        uris: [{ value: 'http://pi-master:5055/executor.js', executable: false, extract: false, cache: false, output_file: 'executor.js' }],
      },
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
        { name: 'mem', type: 'SCALAR', scalar: { value: 64 } },
      ],
    });
  });

  it('counts the executor once per agent, and not at all when the offer says it runs there', () => {
    // 4 cpus: 0.1 for the executor leaves room for 3 one-cpu tasks, not 4.
    const fresh = tasksForOffer(offer(4, 4096), SPEC, RES, chunks());
    expect(fresh).toHaveLength(3);
    expect(new Set(fresh.map((t) => JSON.stringify(t.executor))).size).toBe(1);
    expect(tasksForOffer(offer(4, 4096, [executorIdFor(SPEC)]), SPEC, RES, chunks())).toHaveLength(4);
    // Another build's executor on the agent does not count as ours.
    expect(tasksForOffer(offer(4, 4096, ['mesos-panel-pi-000000000000']), SPEC, RES, chunks())).toHaveLength(3);
  });

  it('stops at memory, at the last chunk, and tolerates float sums of cpus', () => {
    expect(tasksForOffer(offer(8, 64 + 32 * 2 + 31), SPEC, RES, chunks())).toHaveLength(2);
    expect(tasksForOffer(offer(8, 4096), SPEC, RES, chunks(1))).toHaveLength(1);
    expect(tasksForOffer(offer(0.1 + 0.2 + 0.7 + 0.1, 4096), SPEC, RES, chunks())).toHaveLength(1);
    expect(tasksForOffer(offer(1.09, 4096), SPEC, RES, chunks())).toEqual([]);
  });

  it('gives every task its own executor in per-task mode, charged each time, exiting when done', () => {
    const spec: ExecutorSpec = { ...SPEC, mode: 'per-task' };
    const tasks = tasksForOffer(offer(4, 4096, [executorIdFor(SPEC)]), spec, RES, chunks());
    expect(tasks).toHaveLength(3);
    expect(tasks.map((t) => t.executor.executor_id.value)).toEqual(tasks.map((t) => `mesos-panel-pi-abababababab-${t.task_id.value}`));
    expect(tasks[0].executor.command.environment).toEqual({ variables: [{ name: 'MESOS_PANEL_EXECUTOR_IDLE_MS', value: '0' }] });
  });

  it('carries the chunk as base64 JSON task data with task resources of its own', () => {
    const [t] = tasksForOffer(offer(2, 4096), SPEC, RES, chunks(1));
    expect(JSON.parse(Buffer.from(t.data!, 'base64').toString())).toEqual({ start: 0, end: 1000, kernel: 'precise' });
    expect(t).toMatchObject({ task_id: { value: 'pi-j-0-1000-1' }, agent_id: { value: 'S1' } });
    expect(t.resources).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
    ]);
  });
});
