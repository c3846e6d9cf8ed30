// Euler numbers E_0, E_2, …, E_{2(count-1)} exactly, by the Seidel–Entringer–Arnold (boustrophedon)
// triangle: E(0,0) = 1, E(n,0) = 0 for n ≥ 1, E(n,k) = E(n,k−1) + E(n−1,n−k), and E(n,n) is the zigzag
// number A000111(n); for even n it is |E_n|, with sign (−1)^{n/2}. Only additions, O(n²) of them on
// numbers of O(n log n) bits, and one row in memory at a time: E_2000 (row 2000) costs about 2·10^6
// additions, where the binomial recurrence needs as many multiplications and divisions by big
// binomials. Measured in bench/digits.ts.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Euler numbers computed so far in this process, E_0, E_2, … (the triangle restarts when asked for more). */
let known: bigint[] = [1n];

/** E_0, E_2, …, E_{2(count−1)} with their signs: 1, −1, 5, −61, 1385, … */
export function eulerNumbers(count: number): bigint[] {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer (got ${count})`);
  if (count > known.length) known = seidel(count);
  return known.slice(0, count);
}

function seidel(count: number): bigint[] {
  const out: bigint[] = [1n];
  const last = 2 * (count - 1);
  let row: bigint[] = [1n];
  for (let n = 1; n <= last; n++) {
    const next: bigint[] = new Array<bigint>(n + 1);
    next[0] = 0n;
    for (let k = 1; k <= n; k++) next[k] = next[k - 1] + row[n - k];
    row = next;
    if (n % 2 === 0) out.push(n % 4 === 0 ? row[n] : -row[n]);
  }
  return out;
}

const HEADER = 'mesos-panel euler v1';
const fileFor = (dir: string): string => path.join(dir, 'euler-numbers.txt');
const digest = (body: string): string => createHash('sha256').update(body).digest('hex');

/**
 * Euler numbers kept in `dir` so that a restarted daemon reads them rather than redoing the triangle
 * (seconds for K in the thousands, longer on a Pi). The file holds the largest list computed so far; a
 * file that is missing, truncated or altered (its SHA-256 does not match) is recomputed and rewritten,
 * written whole to a temporary name first so that a crash never leaves half a file.
 */
export function cachedEulerNumbers(dir: string, count: number): bigint[] {
  const file = fileFor(dir);
  const stored = readCache(file);
  if (stored && stored.length >= count) {
    return stored.slice(0, count);
  }
  const numbers = eulerNumbers(count);
  const body = numbers.map((e) => e.toString(16)).join('\n');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(tmp, `${HEADER} ${count} ${digest(body)}\n${body}\n`);
  fs.renameSync(tmp, file);
  return numbers;
}

function readCache(file: string): bigint[] | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const nl = text.indexOf('\n');
  const head = text.slice(0, nl).split(' ');
  const body = text.slice(nl + 1).replace(/\n$/, '');
  const count = Number(head[3]);
  if (nl < 0 || head.slice(0, 3).join(' ') !== HEADER || head[4] !== digest(body)) return null;
  const lines = body.split('\n');
  if (lines.length !== count || !lines.every((l) => /^-?[0-9a-f]+$/.test(l))) return null;
  return lines.map((l) => (l.startsWith('-') ? -BigInt(`0x${l.slice(1)}`) : BigInt(`0x${l}`)));
}
