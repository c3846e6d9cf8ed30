// What the daemon's /health says about itself: whether a master answered and when, what the display is doing
// and where the π job is. A monitor (or a person with curl) gets the truth in one request: 200 while a master
// answered recently, 503 once none has for a while, with the reason in the body either way.
import type { Config } from '../config';
import type { Health } from '../pi/executor-server';
import type { PanelModel } from '../panel/model';

export interface DisplayHealth {
  name: string;
  /** The power level the burn-in policy set: normal, dim or off (a blanked OLED is healthy). */
  level: 'normal' | 'dim' | 'off';
  /** What is wrong with the device (unplugged, NACKing), or null while frames reach it. */
  problem: string | null;
}

/**
 * How long after the last answer the panel still counts as fed. A poll waits pollIntervalMs and may take
 * requestTimeoutMs; two polls may fail (a leader election, a blip) before the answer counts as stale.
 */
export function staleAfterMs(config: Pick<Config, 'pollIntervalMs' | 'requestTimeoutMs'>): number {
  return 3 * (config.pollIntervalMs + config.requestTimeoutMs);
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function panelHealth(model: PanelModel, display: DisplayHealth, staleMs: number): Health {
  const { source, snapshot, snapshotAt, now, pi } = model;
  const ok = snapshotAt !== null && now - snapshotAt <= staleMs;
  return {
    ok,
    report: {
      master: {
        answeredRecently: ok,
        url: source.master,
        leader: snapshot?.leader ?? null,
        lastAnswerAt: iso(snapshotAt),
        secondsSinceAnswer: snapshotAt === null ? null : Math.round((now - snapshotAt) / 1000),
        downSince: iso(source.downSince),
        lastError: source.lastError,
      },
      display,
      pi: pi && { state: pi.state, problem: pi.problem, termsDone: pi.termsDone, termsTotal: pi.termsTotal, correctedDigits: pi.correctedDigits },
    },
  };
}
