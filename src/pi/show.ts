// The π job as an audience watches it (the web dashboard): what each agent has contributed and is running now,
// how the error bound shrank as the finished prefix grew, and the raw sum's own decimals. Pure functions of the
// ledger; what they keep between calls is bounded and recomputed only when the ledger moved.
import { eulerNumbers } from './euler';
import { SCALE_BITS } from './exact';
import type { Ledger } from './ledger';

export interface AgentShare {
  agentId: string;
  /** Terms of the chunks this agent finished. */
  termsDone: number;
  /** Its measured kernel speed per task, terms/s (0 before its first result). */
  termsPerSecond: number;
  /** Its tasks that failed or were lost, over every chunk. */
  failures: number;
  /** The chunks it runs now, oldest launch first. */
  running: { start: number; end: number; launchedAt: number }[];
}

const shareCache = new WeakMap<Ledger, { key: string; shares: AgentShare[] }>();

/** Every agent the job has used, by agent id. */
export function agentShares(ledger: Ledger): AgentShare[] {
  const c = ledger.counters;
  // Terms done, failures and running chunks change only with these counters; speeds only with a result.
  const key = `${c.launched}/${c.finished}/${c.failed}/${c.lost}/${ledger.runningCount()}`;
  const hit = shareCache.get(ledger);
  if (hit && hit.key === key) return hit.shares;
  const by = new Map<string, AgentShare>();
  const of = (agentId: string): AgentShare => {
    let s = by.get(agentId);
    if (!s) by.set(agentId, (s = { agentId, termsDone: 0, termsPerSecond: ledger.data.speeds.get(agentId)?.termsPerSecond ?? 0, failures: 0, running: [] }));
    return s;
  };
  for (const chunk of ledger.data.chunks) {
    for (const [agentId, n] of chunk.failures) of(agentId).failures += n;
    const st = chunk.state;
    if (st.kind === 'done' && st.result.agentId) of(st.result.agentId).termsDone += chunk.end - chunk.start;
    else if (st.kind === 'launched') of(st.agentId).running.push({ start: chunk.start, end: chunk.end, launchedAt: st.launchedAt });
  }
  for (const s of by.values()) s.running.sort((a, b) => a.launchedAt - b.launchedAt);
  const shares = [...by.values()].sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  shareCache.set(ledger, { key, shares });
  return shares;
}

/** π lies within `raw` of S_M by itself, and within `corrected` of it with the Euler corrections (arithmetic ε included). */
export interface ConvergencePoint {
  terms: number;
  raw: number;
  corrected: number;
}

interface ConvergenceTrack {
  corrections: number;
  /** Chunks of the finished prefix already walked, and the sum of their error bounds. */
  walked: number;
  eps: number;
  points: ConvergencePoint[];
}

const trackCache = new WeakMap<Ledger, ConvergenceTrack>();

/**
 * The error bound of the finished prefix at each chunk end it passed, at most `maxPoints` of them (thinned
 * evenly as the job goes on, the first and latest always kept). The width of the certified interval: 1/M for
 * the raw sum (π lies between S_M and S_M+1) and |E_2K|/(4^K·M^(2K+1)) with K corrections, plus 2ε either way.
 */
export function convergence(ledger: Ledger, corrections: number, maxPoints: number): ConvergencePoint[] {
  let t = trackCache.get(ledger);
  if (!t || t.corrections !== corrections) trackCache.set(ledger, (t = { corrections, walked: 0, eps: 0, points: [] }));
  const e = Math.abs(Number(eulerNumbers(corrections + 1)[corrections]));
  const chunks = ledger.data.chunks;
  while (t.walked < chunks.length) {
    const chunk = chunks[t.walked];
    if (chunk.state.kind !== 'done') break;
    t.eps += chunk.state.result.errBound;
    t.walked++;
    const m = chunk.end;
    t.points.push({ terms: m, raw: 1 / m + 2 * t.eps, corrected: e / (4 ** corrections * m ** (2 * corrections + 1)) + 2 * t.eps });
    if (t.points.length > 2 * Math.max(2, maxPoints)) t.points = t.points.filter((_, i, all) => i % 2 === 0 || i === all.length - 1);
  }
  const n = t.points.length;
  if (n <= maxPoints) return t.points;
  const step = (n - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, i) => t.points[Math.round(i * step)]);
}

/**
 * The finished prefix's sum S_M written out to `decimals` places (truncated), e.g. "3.1415906535897932404"; ""
 * before the first prefix chunk. Beside the certified digits it shows where the raw sum is wrong.
 */
export function rawSumDigits(ledger: Ledger, decimals: number): string {
  const p = ledger.prefix();
  if (p.terms === 0 || p.sum < 0n) return '';
  const places = Math.max(0, Math.min(60, Math.floor(decimals)));
  const v = ((p.sum * 10n ** BigInt(places)) >> BigInt(SCALE_BITS)).toString().padStart(places + 1, '0');
  return places === 0 ? v : `${v.slice(0, -places)}.${v.slice(-places)}`;
}
