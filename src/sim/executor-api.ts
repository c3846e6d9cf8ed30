// POST /api/v1/executor on a simulated agent (Mesos docs/executor-http-api.md; Slave::Http::executor in src/slave/http.cpp and
// executor::call::validate in src/slave/validation.cpp). Validation lives here; what a call does is the agent's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CallError, type Json, answer, idOf, missingRequired, parseCall } from './http-call';
import { isValidUuidBytes } from './uuid-bytes';
import type { TaskStatusJson } from './status-updates';
import { errorLine } from '../lib/error-line';

export interface ExecutorCallHost {
  /** 'framework' or 'executor' when that one is unknown here. */
  lookup(frameworkId: string, executorId: string): 'framework' | 'executor' | 'ok';
  isSubscribed(frameworkId: string, executorId: string): boolean;
  subscribe(frameworkId: string, executorId: string, subscribe: Json, res: ServerResponse): void;
  update(frameworkId: string, executorId: string, status: TaskStatusJson): void;
  message(frameworkId: string, executorId: string, data: string): void;
}

const TYPES = ['SUBSCRIBE', 'UPDATE', 'MESSAGE', 'HEARTBEAT'];

export function handleExecutorCall(host: ExecutorCallHost, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  try {
    const call = parseCall(req, body, 'Call');
    const missing = missingRequired(call, ['executor_id.value', 'framework_id.value', 'update.?.status.task_id.value', 'update.?.status.state', 'message.?.data']);
    if (missing.length > 0) throw new CallError(400, `Failed to convert JSON into Call protobuf: Missing required fields: ${missing.join(', ')}`);
    if (call.type !== undefined && !TYPES.includes(call.type as string)) {
      throw new CallError(400, `Failed to convert JSON into Call protobuf: Failed to find enum for '${String(call.type)}'`);
    }
    const invalid = validate(call);
    if (invalid) throw new CallError(400, `Failed to validate executor::Call: ${invalid}`);
    const frameworkId = idOf(call.framework_id) as string;
    const executorId = idOf(call.executor_id) as string;
    const known = host.lookup(frameworkId, executorId);
    if (known === 'framework') throw new CallError(400, 'Framework cannot be found');
    if (known === 'executor') throw new CallError(400, 'Executor cannot be found');
    if (call.type === 'SUBSCRIBE') return host.subscribe(frameworkId, executorId, call.subscribe as Json, res);
    if (!host.isSubscribed(frameworkId, executorId)) throw new CallError(403, 'Executor is not subscribed');
    if (call.type === 'UPDATE') host.update(frameworkId, executorId, (call.update as { status: TaskStatusJson }).status);
    else if (call.type === 'MESSAGE') host.message(frameworkId, executorId, String((call.message as Json).data));
    answer(res, 202);
  } catch (err) {
    if (err instanceof CallError) answer(res, err.status, err.message);
    else answer(res, 500, errorLine(err));
  }
}

function validate(call: Json): string | undefined {
  if (call.type === undefined) return "Expecting 'type' to be present";
  if (call.type === 'SUBSCRIBE' && !call.subscribe) return "Expecting 'subscribe' to be present";
  if (call.type === 'MESSAGE' && !call.message) return "Expecting 'message' to be present";
  if (call.type !== 'UPDATE') return undefined;
  if (!call.update) return "Expecting 'update' to be present";
  const status = (call.update as Json).status as Json;
  const executorId = idOf(call.executor_id);
  const frameworkId = idOf(call.framework_id);
  if (status.uuid === undefined) return "Expecting 'uuid' to be present";
  if (!isValidUuidBytes(status.uuid)) return 'Not a valid UUID';
  if (status.executor_id !== undefined && idOf(status.executor_id) !== executorId) {
    return `ExecutorID in Call: ${executorId} does not match ExecutorID in TaskStatus: ${idOf(status.executor_id)}`;
  }
  // An omitted source reads as the enum default SOURCE_MASTER and is refused (Mesos docs/executor-http-api.md).
  if (status.source !== 'SOURCE_EXECUTOR') {
    return `Received Call from executor ${executorId} of framework ${frameworkId} with invalid source, expecting 'SOURCE_EXECUTOR'`;
  }
  if (status.state === 'TASK_STAGING') return `Received TASK_STAGING from executor ${executorId} of framework ${frameworkId} which is not allowed`;
  return undefined;
}
