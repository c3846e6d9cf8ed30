import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordIODecoder } from '../../src/mesos/recordio';
import { EventError, decodeSchedulerEvent, describeWaitStatus, exitCode } from '../../src/mesos/scheduler-events';

const REAL = join(__dirname, '../fixtures/mesos/real-1.12.0');
const records = new RecordIODecoder().push(readFileSync(join(REAL, 'scheduler-stream.recordio')));
const recorded: Record<string, any>[] = JSON.parse(readFileSync(join(REAL, 'scheduler-events.json'), 'utf8'));

function errorOf(input: unknown): string {
  try {
    decodeSchedulerEvent(JSON.stringify(input));
  } catch (e) {
    if (e instanceof EventError) return e.message;
    throw e;
  }
  throw new Error('expected an EventError');
}

describe('scheduler events from the real 1.12.0 stream', () => {
  const events = records.map((r) => decodeSchedulerEvent(r));

  it('decodes all 14 in order', () => {
    expect(events.map((e) => e.type)).toEqual(recorded.map((e) => e.type));
  });

  it('keeps SUBSCRIBED framework id, heartbeat interval and master info', () => {
    expect(events[0]).toEqual({
      type: 'SUBSCRIBED',
      subscribed: {
        framework_id: { value: '8764bf41-b9a6-46da-a458-0fd7e65f2641-0000' },
        heartbeat_interval_seconds: 15,
        master_info: { id: '8764bf41-b9a6-46da-a458-0fd7e65f2641', hostname: '127.0.0.1', port: 5050, version: '1.12.0' },
      },
    });
  });

  it('keeps every UPDATE status field the framework uses, exactly as sent', () => {
    recorded.forEach((raw, i) => {
      if (raw.type !== 'UPDATE') return;
      const { container_status: _dropped, ...status } = raw.update.status;
      expect(events[i]).toEqual({ type: 'UPDATE', update: { status } });
    });
    const finished = events[4];
    expect(finished.type === 'UPDATE' && Buffer.from(finished.update.status.data!, 'base64').toString()).toBe(
      '{"hi": 3.14, "lo": 1e-17, "errBound": 1e-30}',
    );
  });

  it('keeps offers with their resources, ranges included', () => {
    const offers = events[1];
    if (offers.type !== 'OFFERS') throw new Error('not OFFERS');
    const o = offers.offers.offers[0];
    expect(o.id.value).toBe('8764bf41-b9a6-46da-a458-0fd7e65f2641-O0');
    expect(o.hostname).toBe('127.0.0.1');
    expect(o.executor_ids).toEqual([]);
    expect(o.allocation_info).toEqual({ role: '*' });
    expect(o.resources).toEqual(recorded[1].offers.offers[0].resources);
  });

  it('reads FAILURE with a waitpid status word', () => {
    const failure = events[9];
    expect(failure).toEqual({
      type: 'FAILURE',
      failure: { agent_id: { value: '8764bf41-b9a6-46da-a458-0fd7e65f2641-S0' }, executor_id: { value: 'capture-executor' }, status: 0 },
    });
    expect(exitCode(0)).toBe(0);
    expect(exitCode(3 << 8)).toBe(3);
    expect(exitCode(9)).toBeNull();
    expect(exitCode(-1)).toBeNull();
  });

  it('words a wait status as Mesos does, and -1 as no status rather than a signal', () => {
    expect(describeWaitStatus(-1)).toBe('ended with no exit status known to the agent');
    expect(describeWaitStatus(0)).toBe('exited with status 0');
    expect(describeWaitStatus(233 << 8)).toBe('exited with status 233');
    expect(describeWaitStatus(9)).toBe('terminated with signal 9 (SIGKILL)');
    expect(describeWaitStatus(11 | 0x80)).toBe('terminated with signal 11 (SIGSEGV) (core dumped)');
    expect(describeWaitStatus((19 << 8) | 0x7f)).toBe('stopped on signal 19 (SIGSTOP)');
  });
});

describe('scheduler events that are malformed or unknown', () => {
  it('names the path and what was wrong, in one line', () => {
    expect(errorOf({ type: 'UPDATE', update: { status: { task_id: { value: 7 }, state: 'TASK_RUNNING' } } })).toBe(
      'malformed event: update.status.task_id.value must be a string, got number 7',
    );
    expect(errorOf({ type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_RUNNING', uuid: 'not base64!' } } })).toBe(
      'malformed event: update.status.uuid must be standard base64, got "not base64!"',
    );
    expect(errorOf({ type: 'OFFERS', offers: { offers: [{ id: { value: 'o' } }] } })).toBe(
      'malformed event: offers.offers[0].framework_id must be an object, got nothing',
    );
    expect(errorOf({ type: 'OFFERS', offers: { offers: {} } })).toBe('malformed event: offers.offers must be an array, got an object');
    expect(errorOf({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'f' }, heartbeat_interval_seconds: -1 } })).toBe(
      'malformed event: subscribed.heartbeat_interval_seconds must be positive, got number -1',
    );
    expect(errorOf({ type: 'ERROR', message: 'at the top level, as the docs wrongly show' })).toBe('malformed event: error must be an object, got nothing');
    expect(errorOf([1])).toBe('malformed event: event must be an object, got an array');
    expect(errorOf({ type: 5 })).toBe('malformed event: event.type must be a string, got number 5');
    expect(() => decodeSchedulerEvent('{"type":"HEARTBEAT"')).toThrow(/^malformed scheduler event: not valid JSON/);
  });

  it('accepts doubles written as strings and a missing heartbeat interval (masters before 1.0)', () => {
    expect(decodeSchedulerEvent('{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"f"}}}')).toEqual({
      type: 'SUBSCRIBED',
      subscribed: { framework_id: { value: 'f' } },
    });
    const e = decodeSchedulerEvent(
      '{"type":"OFFERS","offers":{"offers":[{"id":{"value":"o"},"framework_id":{"value":"f"},"agent_id":{"value":"a"},"hostname":"h","resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":"Infinity"}}]}]}}',
    );
    expect(e.type === 'OFFERS' && e.offers.offers[0].resources[0].scalar?.value).toBe(Infinity);
  });

  it('gives unknown types back as UNKNOWN with the name', () => {
    expect(decodeSchedulerEvent('{"type":"SOMETHING_NEW","something_new":{}}')).toEqual({ type: 'UNKNOWN', name: 'SOMETHING_NEW' });
  });

  it('never lets __proto__ keys through', () => {
    const e = decodeSchedulerEvent('{"type":"RESCIND","rescind":{"offer_id":{"value":"o","__proto__":{"polluted":1}}},"__proto__":{"x":1}}');
    expect(e).toEqual({ type: 'RESCIND', rescind: { offer_id: { value: 'o' } } });
    expect(Object.getPrototypeOf((e as { rescind: object }).rescind)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws only EventError for 3000 seeded mutations of the recorded events', () => {
    let seed = 42;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const junk = [null, 0, -1, 1e308, '', 'x'.repeat(10_000), [], {}, true, { value: 3 }, '\ud800'];
    let malformed = 0;
    for (let n = 0; n < 3000; n++) {
      const event = JSON.parse(JSON.stringify(recorded[Math.floor(rand() * recorded.length)]));
      // Walk to a random node and replace or delete one of its members.
      let node: any = event;
      for (let depth = 0; depth < 6 && node && typeof node === 'object'; depth++) {
        const keys = Object.keys(node);
        if (keys.length === 0 || rand() < 0.3) break;
        const k = keys[Math.floor(rand() * keys.length)];
        if (typeof node[k] !== 'object' || node[k] === null || rand() < 0.2) {
          if (rand() < 0.5) delete node[k];
          else node[k] = junk[Math.floor(rand() * junk.length)];
          break;
        }
        node = node[k];
      }
      let text = JSON.stringify(event);
      if (rand() < 0.1) text = text.slice(0, Math.floor(rand() * text.length));
      try {
        decodeSchedulerEvent(text);
      } catch (e) {
        if (!(e instanceof EventError)) throw new Error(`case ${n}: ${String(e)} for ${text.slice(0, 200)}`);
        expect(e.message).not.toMatch(/\n/);
        malformed++;
      }
    }
    expect(malformed).toBeGreaterThan(100);
  });
});
