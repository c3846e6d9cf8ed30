// The request checks both v1 call endpoints share (src/common/http.cpp and the master's and agent's api
// handlers): POST only, a literal Content-Type compare, JSON body, proto2 required fields (Mesos docs/scheduler-http-api.md, Mesos docs/executor-http-api.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorLine } from '../lib/error-line';

export type Json = Record<string, unknown>;

export class CallError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function answer(res: ServerResponse, status: number, body = ''): void {
  res.writeHead(status, body ? { 'Content-Type': 'text/plain; charset=utf-8' } : { 'Content-Length': '0' }).end(body);
}

/** Parses and checks the transport of a call; throws CallError with the status and text Mesos gives. */
export function parseCall(req: IncomingMessage, body: Buffer, callName: string): Json {
  if (req.method !== 'POST') throw new CallError(405, `Expecting one of { 'POST' }, but received '${req.method}'`);
  const contentType = req.headers['content-type'];
  if (contentType === undefined) throw new CallError(400, "Expecting 'Content-Type' to be present");
  // A literal compare: "application/json; charset=utf-8" is refused (recorded in scheduler-calls.jsonl).
  if (contentType !== 'application/json' && contentType !== 'application/x-protobuf') {
    throw new CallError(415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
  }
  if (contentType === 'application/x-protobuf') throw new CallError(415, 'The simulated cluster speaks JSON only: send application/json');
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new CallError(400, `Failed to parse body into JSON: ${errorLine(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CallError(400, `Failed to convert JSON into ${callName} protobuf: Expecting a JSON object`);
  }
  return value as Json;
}

/**
 * proto2 `required` fields, checked the way protobuf's IsInitialized does: a required field only matters when
 * its parent message is present. Paths use dots; `[]` walks every element of a repeated field.
 */
export function missingRequired(call: Json, paths: string[]): string[] {
  const missing: string[] = [];
  const walk = (value: unknown, parts: string[], at: string): void => {
    if (parts.length === 0) return;
    const [head, ...rest] = parts;
    if (head === '[]') {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, rest, `${at}[${i}]`));
      return;
    }
    const here = at ? `${at}.${head}` : head;
    const child = (value as Json | null)?.[head];
    if (child === undefined || child === null) {
      // A repeated field may always be empty; '?' marks an optional message.
      if (rest.length === 0 || (rest[0] !== '?' && rest[0] !== '[]')) missing.push(here);
      return;
    }
    walk(child, rest[0] === '?' ? rest.slice(1) : rest, here);
  };
  for (const path of paths) walk(call, path.split('.'), '');
  return missing;
}

/** Reads `{value: string}` ids; an id that is not a string is a protobuf conversion error. */
export function idOf(v: unknown): string | undefined {
  const value = (v as { value?: unknown } | null | undefined)?.value;
  return typeof value === 'string' ? value : undefined;
}
