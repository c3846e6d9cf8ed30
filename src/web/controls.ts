// The button's actions from the browser, at fixed routes: GET /control tells the page whether the controls
// are on (and the panel's clock, which the page signs with); POST /control/next, /control/start and
// /control/reset press. Nothing changes state on a GET, and a press happens only after every check in
// control-auth.ts has passed, in this order: controls on, same origin, JSON, rate, body size, MAC, freshness,
// nonce. Every refusal is one line with its status; a refused request does nothing and leaves nothing queued.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_PRESS_OPTIONS, type ControlAction, type ControlOutcome, type PressAction } from '../hw/button/press';
import type { Logger } from '../log';
import { plain, type HttpHost } from '../lib/http-host';
import { crossOrigin, macMatches, NonceWindow, parseSigned, TokenBucket } from './control-auth';

const CONTROL_PATH = '/control';
const CONTROL_ACTIONS: readonly ControlAction[] = ['next', 'start', 'reset'];

export interface ControlOptions {
  /** The secret from web.secretFile, or null when the controls are off. */
  secret: string | null;
  press(action: ControlAction): ControlOutcome;
  log: Logger;
}

/** How far a press's time may be from the panel's clock: room for a slow network, too little to keep a capture. */
const WINDOW_MS = 30_000;
/** Presses at once, then one per PRESS_EVERY_MS: more than a thumb on the button makes, far less than a script. */
const BURST = 4;
const PRESS_EVERY_MS = 500;

/** A signed request is about 200 bytes; anything much longer is not one. */
const MAX_BODY_BYTES = 1024;

const NO_STORE = { 'Cache-Control': 'no-store' };

/** What the page shows after a press. */
const SAID: Record<PressAction['type'], string> = {
  next: 'next screen',
  start: 'π job started',
  reset: 'π job reset',
  confirm: `press reset again within ${DEFAULT_PRESS_OPTIONS.confirmMs / 1000} s to confirm`,
  wake: 'the display was blanked: this press woke it',
};

/** Mounts the control routes; returns the function that removes them. */
export function mountControls(http: HttpHost, o: ControlOptions): () => void {
  const nonces = new NonceWindow(WINDOW_MS);
  const bucket = new TokenBucket(BURST, PRESS_EVERY_MS);
  const unmount = [
    http.mount(CONTROL_PATH, {
      methods: ['GET'],
      handle: (req, res) => json(req, res, 200, o.secret ? { controls: true, now: Date.now(), actions: CONTROL_ACTIONS } : { controls: false }),
    }),
    ...CONTROL_ACTIONS.map((action) => http.mount(`${CONTROL_PATH}/${action}`, { methods: ['POST'], handle: (req, res) => void handle(action, req, res) })),
  ];

  async function handle(action: ControlAction, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!o.secret) return refuse(req, res, 403, 'the controls are off; turn them on with web.controls and web.secretFile');
    const foreign = crossOrigin(req.headers);
    if (foreign) return refuse(req, res, 403, `cross-origin request refused (${foreign}); the controls answer only the panel's own page`);
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) return refuse(req, res, 415, 'send the body as Content-Type: application/json');
    if (!bucket.take()) return refuse(req, res, 429, 'too many presses; wait a moment', { 'Retry-After': String(bucket.retryAfterSeconds()) });
    const body = await readCapped(req);
    if (body === null) return refuse(req, res, 413, `the body is over ${MAX_BODY_BYTES} bytes; a press is {"t", "nonce", "mac"}`);
    const signed = parseSigned(body);
    if (signed === 'missing') return refuse(req, res, 401, 'no secret: sign the press with the secret from web.secretFile', { 'WWW-Authenticate': 'MesosPanel-HMAC' });
    if (typeof signed === 'string') return refuse(req, res, 400, signed);
    if (!macMatches(o.secret, action, signed)) return refuse(req, res, 403, 'wrong secret: the press is not signed with the secret in web.secretFile');
    const use = nonces.use(signed);
    if (use === 'stale') return refuse(req, res, 403, `stale press: its time is ${Math.round((signed.t - Date.now()) / 1000)} s off the panel's clock (at most ${nonces.windowMs / 1000} s); reload the page`);
    if (use === 'replayed') return refuse(req, res, 409, 'replayed press: this nonce was used already; every press needs a new one');
    const outcome = o.press(action);
    if ('refused' in outcome) return plain(res, 409, outcome.refused, false, NO_STORE);
    o.log.info(`web: ${action} pressed from ${req.socket.remoteAddress ?? 'a browser'}: ${outcome.done}`);
    json(req, res, 200, { done: outcome.done, text: SAID[outcome.done] });
  }

  function refuse(req: IncomingMessage, res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    o.log.debug(`web: refused a ${req.url} from ${req.socket.remoteAddress ?? '?'}: ${status} ${text}`);
    // The body of a refused request is not read: the connection closes instead of waiting for it.
    plain(res, status, text, false, { ...NO_STORE, ...headers, ...(req.readableEnded ? {} : { Connection: 'close' }) });
  }

  return () => unmount.forEach((u) => u());
}

/** The body as text, or null (and the request left unread) when it passes MAX_BODY_BYTES. */
function readCapped(req: IncomingMessage): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.resolve(null);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (v: string | null) => {
      req.removeAllListeners('data');
      resolve(v);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        done(null);
      } else chunks.push(c);
    });
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => done(null));
  });
}

function json(req: IncomingMessage, res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'X-Content-Type-Options': 'nosniff', ...NO_STORE });
  res.end(req.method === 'HEAD' ? undefined : body);
}
