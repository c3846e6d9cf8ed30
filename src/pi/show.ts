// The π job as an audience watches it (the web dashboard): what each agent has contributed and is running now,
// how the error bound shrank as the finished prefix grew, and the raw sum's own decimals. Pure functions of the
// ledger; what they keep between calls is bounded and recomputed only when the ledger moved.
import { eulerNumbers } from './euler';
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

/**
 * π lies within 10^raw of S_M by itself, and within 10^corrected of it with the Euler corrections (arithmetic ε
 * included). Kept as log10: a digits job's bounds (10^-10000) are far below what a double holds.
 */
export interface ConvergencePoint {
  terms: number;
  raw: number;
  corrected: number;
}

interface ConvergenceTrack {
  corrections: number;
  /** log10 |E_2K| for those corrections, worked out once per track. */
  logE: number;
  /** Chunks of the finished prefix already walked, and log10 of the sum of their error bounds. */
  walked: number;
  logEps: number;
  points: ConvergencePoint[];
}

const trackCache = new WeakMap<Ledger, ConvergenceTrack>();
const LOG10_2 = Math.log10(2);

/** log10(10^a + 10^b), without leaving log space. */
function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const [hi, lo] = a > b ? [a, b] : [b, a];
  return hi + Math.log10(1 + 10 ** (lo - hi));
}

/** log10 of a positive BigInt, from its leading digits and its length. */
function log10Big(x: bigint): number {
  const s = x.toString();
  return Math.log10(Number(s.slice(0, 15))) + (s.length - Math.min(15, s.length));
}

/**
 * log10 |E_2K|: exact for the few corrections a double job makes; for a digits job's hundreds, the leading term
 * of the asymptotic |E_2n| ~ 8·√(n/π)·(4n/(πe))^(2n), whose relative error (O(1/n)) no log-scale chart can show.
 */
export function log10Euler(k: number): number {
  if (k <= 40) {
    const e = eulerNumbers(k + 1)[k];
    return log10Big(e < 0n ? -e : e);
  }
  return Math.log10(8) + 0.5 * Math.log10(k / Math.PI) + 2 * k * Math.log10((4 * k) / (Math.PI * Math.E));
}

/**
 * log10 of the error bound of the finished prefix at each chunk end it passed, at most `maxPoints` of them (thinned
 * evenly as the job goes on, the first and latest always kept). The width of the certified interval: 1/M for the
 * raw sum (π lies between S_M and S_M+1) and |E_2K|/(4^K·M^(2K+1)) with K corrections, plus 2ε either way.
 */
export function convergence(ledger: Ledger, corrections: number, maxPoints: number): ConvergencePoint[] {
  let t = trackCache.get(ledger);
  if (!t || t.corrections !== corrections) trackCache.set(ledger, (t = { corrections, logE: log10Euler(corrections), walked: 0, logEps: -Infinity, points: [] }));
  const logE = t.logE;
  const chunks = ledger.data.chunks;
  while (t.walked < chunks.length) {
    const chunk = chunks[t.walked];
    if (chunk.state.kind !== 'done') break;
    const r = chunk.state.result;
    const logChunkEps = r.kind === 'exact' ? Math.log10(Math.max(r.bound, 1)) - ledger.scaleBits * LOG10_2 : r.errBound > 0 ? Math.log10(r.errBound) : -Infinity;
    t.logEps = logAdd(t.logEps, logChunkEps);
    t.walked++;
    const m = chunk.end;
    const twoEps = t.logEps + LOG10_2;
    const logM = Math.log10(m);
    t.points.push({ terms: m, raw: logAdd(-logM, twoEps), corrected: logAdd(logE - corrections * Math.log10(4) - (2 * corrections + 1) * logM, twoEps) });
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
  const v = ((p.sum * 10n ** BigInt(places)) >> BigInt(ledger.scaleBits)).toString().padStart(places + 1, '0');
  return places === 0 ? v : `${v.slice(0, -places)}.${v.slice(-places)}`;
}
