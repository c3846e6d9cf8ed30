import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordIODecoder } from '../../src/mesos/recordio';
import { EventError } from '../../src/mesos/scheduler-events';
import { ExecutorEnvError, decodeExecutorEvent, newUuid, parseDuration, readExecutorEnv } from '../../src/mesos/executor-client';

const REAL = join(__dirname, '../fixtures/mesos/real-1.12.0');
const RECORDED_ENV: Record<string, string> = JSON.parse(readFileSync(join(REAL, 'executor-env.json'), 'utf8'));

function envError(env: Record<string, string>): string {
  try {
    readExecutorEnv((n) => env[n]);
  } catch (e) {
    if (e instanceof ExecutorEnvError) return e.message;
    throw e;
  }
  throw new Error('expected an ExecutorEnvError');
}

describe('executor environment', () => {
  it('reads the environment a real 1.12.0 agent gave its executor', () => {
    expect(readExecutorEnv((n) => RECORDED_ENV[n])).toEqual({
      endpoint: 'http://127.0.0.1:5051/api/v1/executor',
      frameworkId: '8764bf41-b9a6-46da-a458-0fd7e65f2641-0000',
      executorId: 'capture-executor',
      checkpoint: true,
      recoveryTimeoutMs: 15 * 60_000,
      subscriptionBackoffMaxMs: 2000,
      shutdownGracePeriodMs: 5000,
    });
  });

  it('needs no recovery settings without checkpointing, and passes an auth token on', () => {
    const env = readExecutorEnv((n) => ({ MESOS_AGENT_ENDPOINT: '10.0.0.5:5051', MESOS_FRAMEWORK_ID: 'f', MESOS_EXECUTOR_ID: 'e', MESOS_CHECKPOINT: '0', MESOS_EXECUTOR_AUTHENTICATION_TOKEN: 'jwt' })[n]);
    expect(env).toMatchObject({ checkpoint: false, recoveryTimeoutMs: 15 * 60_000, subscriptionBackoffMaxMs: 2000, authToken: 'jwt' });
  });

  it('names every missing and every bad variable in one line', () => {
    expect(envError({})).toBe(
      'executor environment: missing MESOS_AGENT_ENDPOINT, MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID, MESOS_CHECKPOINT; this program must be started by a Mesos agent',
    );
    expect(envError({ ...RECORDED_ENV, MESOS_CHECKPOINT: 'true', MESOS_RECOVERY_TIMEOUT: '15 minutes', MESOS_AGENT_ENDPOINT: 'http://x:5051/' })).toBe(
      'executor environment: MESOS_CHECKPOINT="true" must be 0 or 1; MESOS_RECOVERY_TIMEOUT="15 minutes" is not a duration like 2secs or 15mins; MESOS_AGENT_ENDPOINT="http://x:5051/" must be ip:port; this program must be started by a Mesos agent',
    );
    expect(envError({ ...RECORDED_ENV, MESOS_SUBSCRIPTION_BACKOFF_MAX: '2s' })).toBe(
      'executor environment: MESOS_SUBSCRIPTION_BACKOFF_MAX="2s" is not a duration like 2secs or 15mins; this program must be started by a Mesos agent',
    );
  });

  it.each([
    ['2secs', 2000],
    ['15mins', 900_000],
    ['1.5hrs', 5_400_000],
    ['250ms', 250],
    ['1weeks', 604_800_000],
    ['3days', 259_200_000],
    ['500us', 0.5],
    ['2', null],
    ['secs', null],
    ['-1secs', null],
    ['1 secs', null],
  ])('parses the stout duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('executor events', () => {
  const records = new RecordIODecoder().push(readFileSync(join(REAL, 'executor-stream.recordio')));

  it('decodes the recorded stream: SUBSCRIBED, LAUNCH, ACKNOWLEDGED twice', () => {
    const events = records.map((r) => decodeExecutorEvent(r));
    expect(events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'LAUNCH', 'ACKNOWLEDGED', 'ACKNOWLEDGED']);
    expect(events[0]).toEqual({
      type: 'SUBSCRIBED',
      subscribed: { agent_id: { value: '8764bf41-b9a6-46da-a458-0fd7e65f2641-S0' }, agent_hostname: '127.0.0.1' },
    });
    const launch = events[1];
    if (launch.type !== 'LAUNCH') throw new Error('not LAUNCH');
    expect(launch.launch.task.task_id).toEqual({ value: 'capture-task-1' });
    expect(Buffer.from(launch.launch.task.data!, 'base64').toString()).toBe('{"start": 0, "end": 1000000, "kernel": "precise"}');
    expect(launch.launch.task.raw).toEqual(JSON.parse(records[1].toString()).launch.task);
    expect(events[3]).toEqual({ type: 'ACKNOWLEDGED', acknowledged: { task_id: { value: 'capture-task-1' }, uuid: '1b627NQdTa6uECVntHzNIA==' } });
  });

  it('decodes KILL, SHUTDOWN, LAUNCH_GROUP, and gives unknown types back by name', () => {
    expect(decodeExecutorEvent('{"type":"KILL","kill":{"task_id":{"value":"t"}}}')).toEqual({ type: 'KILL', kill: { task_id: { value: 't' } } });
    expect(decodeExecutorEvent('{"type":"SHUTDOWN"}')).toEqual({ type: 'SHUTDOWN' });
    const group = decodeExecutorEvent('{"type":"LAUNCH_GROUP","launch_group":{"task_group":{"tasks":[{"task_id":{"value":"a"}}]}}}');
    expect(group.type === 'LAUNCH_GROUP' && group.launch_group.tasks.map((t) => t.task_id.value)).toEqual(['a']);
    expect(decodeExecutorEvent('{"type":"NEW_THING"}')).toEqual({ type: 'UNKNOWN', name: 'NEW_THING' });
  });

  it.each([
    ['{"type":"LAUNCH","launch":{"task":{"task_id":{"value":"t"},"data":"%%%"}}}', 'malformed event: launch.task.data must be standard base64, got "%%%"'],
    ['{"type":"KILL","kill":{}}', 'malformed event: kill.task_id must be an object, got nothing'],
    ['{"type":"ACKNOWLEDGED","acknowledged":{"task_id":{"value":"t"}}}', 'malformed event: acknowledged.uuid must be a string, got nothing'],
    ['{"type":"LAUNCH","launch":{"task":{"task_id":{"value":"t"},"name":5}}}', 'malformed event: launch.task.name must be a string, got number 5'],
    ['nonsense', /^malformed executor event: not valid JSON/],
  ])('refuses %s with one line', (text, message) => {
    expect(() => decodeExecutorEvent(text)).toThrow(EventError);
    expect(() => decodeExecutorEvent(text)).toThrow(message);
  });
});

describe('status update uuids', () => {
  it('are 16 random bytes with RFC-4122 version 4 and variant bits', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const b64 = newUuid();
      const bytes = Buffer.from(b64, 'base64');
      expect(bytes).toHaveLength(16);
      expect(bytes[6] >> 4).toBe(4);
      expect(bytes[8] >> 6).toBe(2);
      seen.add(b64);
    }
    expect(seen.size).toBe(200);
  });
});
