// Fault switches of one simulated master's HTTP front, settable at run time by tests and chaos schedules.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpFaults {
  /** Answer 503 to this many coming requests. */
  unavailable = 0;
  /** Reset every connection as soon as a request arrives. */
  drop = false;
  /** Hold every answer this long. */
  delayMs = 0;
  /**
   * Hold a JSON answer (/state, /metrics/snapshot) this long after it is made: a large cluster's document crossing
   * a slow link, which says what was true when the master wrote it, not when it arrives.
   */
  slowAnswerMs = 0;

  /** Applies the switches; false when the request has been dealt with (dropped or answered 503). */
  async admit(req: IncomingMessage, res: ServerResponse, body503: string): Promise<boolean> {
    if (this.drop) {
      req.socket.destroy();
      return false;
    }
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.unavailable > 0) {
      this.unavailable--;
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body503);
      return false;
    }
    return true;
  }

  reset(): void {
    this.unavailable = 0;
    this.drop = false;
    this.delayMs = 0;
    this.slowAnswerMs = 0;
  }
}
