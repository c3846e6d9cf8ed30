// The daemon's web face on its HTTP server: the mirror (/, its script and style, the /events stream), /metrics
// and the controls, mounted as fixed routes. Fed by the frames the display gets, never by a poll of its own.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Display } from '../hw/display';
import type { Logger } from '../log';
import { loadAssets, type Asset } from './assets';
import { plain, type HttpHost } from '../lib/http-host';
import { mountControls, type ControlOptions } from './controls';
import { PanelMetrics, type MetricsSources } from './metrics';
import { mirrored, MirrorState, type MirrorMessage } from './mirror';
import { SseHub, sseEvent } from './sse';

export const EVENTS_PATH = '/events';
export const METRICS_PATH = '/metrics';

export interface WebOptions {
  /** Live event streams at most. */
  maxClients: number;
  /** Unsent bytes past which a slow browser is dropped. */
  maxBufferBytes?: number;
  log: Logger;
}

/** Pages may load only their own scripts and styles and talk only to this server; no framing by other sites. */
const HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

export class WebFace {
  readonly mirror = new MirrorState();
  readonly streams: SseHub;
  private readonly unmount: (() => void)[] = [];

  constructor(http: HttpHost, private readonly o: WebOptions) {
    this.streams = new SseHub({ max: o.maxClients, maxBufferBytes: o.maxBufferBytes ?? 256 * 1024, heartbeatMs: 15_000, retryMs: 1000, log: o.log });
    for (const [route, asset] of loadAssets()) this.unmount.push(http.mount(route, { methods: ['GET'], handle: (req, res) => serveAsset(req, res, asset) }));
    this.unmount.push(http.mount(EVENTS_PATH, { methods: ['GET'], handle: (req, res) => this.openStream(req, res) }));
  }

  /** The display as the daemon should drive it: `inner`, with every frame and level also sent to the mirrors. */
  display(inner: Display): Display {
    return mirrored(inner, this.mirror, (m) => this.streams.send(frameEvent(m)));
  }

  /** Serves /metrics from the daemon's model and counters; returns the metrics so polls can be recorded. */
  metrics(http: HttpHost, sources: Omit<MetricsSources, 'web'>): PanelMetrics {
    const metrics = new PanelMetrics({ ...sources, web: () => ({ clients: this.streams.size, dropped: this.streams.dropped }) });
    this.unmount.push(
      http.mount(METRICS_PATH, {
        methods: ['GET'],
        handle: (req, res) =>
          void metrics.text().then(
            ({ body, type }) => {
              res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
              res.end(req.method === 'HEAD' ? undefined : body);
            },
            (err: Error) => plain(res, 500, `metrics: ${err.message}`),
          ),
      }),
    );
    return metrics;
  }

  /** The button's actions from the page; off (every press refused) unless `secret` is given. */
  controls(http: HttpHost, o: Omit<ControlOptions, 'log'>): void {
    this.unmount.push(mountControls(http, { ...o, log: this.o.log }));
  }

  close(): void {
    this.unmount.forEach((u) => u());
    this.streams.close();
  }

  private openStream(req: IncomingMessage, res: ServerResponse): void {
    const full = this.mirror.full();
    this.streams.open(req, res, full ? frameEvent(full) : '');
  }
}

const frameEvent = (m: MirrorMessage): string => sseEvent('frame', m);

function serveAsset(req: IncomingMessage, res: ServerResponse, asset: Asset): void {
  res.writeHead(200, { ...HEADERS, 'Content-Type': asset.type, 'Content-Length': asset.body.length });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
}
