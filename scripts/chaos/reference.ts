// What a finished job must equal: the same chunks summed in this process by the same kernel, added exactly,
// as a fault-free run would; and π's decimals for a digits job. Chunk sums are cached, since every schedule of a
// run cuts the same chunks.
import type { JobSpec } from '../../src/pi/chunk-result';
import { scaleResult } from '../../src/pi/exact';
import { exactChunk } from '../../src/pi/exact-kernel';
import { runKernel } from '../../src/pi/kernel';
import type { Chunk, Ledger } from '../../src/pi/ledger';
import { machinPi } from './machin';

export class ReferenceSums {
  private readonly cache = new Map<string, bigint>();
  private pi = '';

  /** π to `decimals` decimals as "3.1415…", by Machin's formula (machin.ts), independent of the daemon's code. */
  piDigits(decimals: number): string {
    if (this.pi.length < decimals + 2) this.pi = machinPi(decimals);
    return this.pi.slice(0, decimals + 2);
  }

  /** Σ over the chunks of the kernel's result as the ledger counts it: 2^-200 for doubles, 2^-bits for exact. */
  sumOf(chunks: readonly Pick<Chunk, 'start' | 'end'>[], spec: JobSpec): bigint {
    let sum = 0n;
    for (const c of chunks) {
      const key = `${spec.kernel}:${spec.kernel === 'exact' ? spec.bits : ''}:${c.start}:${c.end}`;
      let v = this.cache.get(key);
      if (v === undefined) {
        if (spec.kernel === 'exact') v = exactChunk(c.start, c.end, spec.bits).sum;
        else {
          const r = runKernel(spec.kernel, c.start, c.end);
          v = scaleResult(r.hi, r.lo, r.errBound).value;
        }
        this.cache.set(key, v);
      }
      sum += v;
    }
    return sum;
  }
}

/** Problems with the chunks of a finished job: each term of [0, terms) in exactly one done chunk. */
export function checkCoverage(ledger: Ledger, terms: number): string[] {
  const problems: string[] = [];
  const chunks = [...ledger.data.chunks].sort((a, b) => a.start - b.start);
  let next = 0;
  for (const c of chunks) {
    if (c.start !== next) problems.push(`chunk [${c.start},${c.end}) follows ${next}: ${c.start > next ? 'a gap' : 'an overlap'}`);
    if (c.state.kind !== 'done') problems.push(`chunk [${c.start},${c.end}) is ${c.state.kind}`);
    next = Math.max(next, c.end);
  }
  if (next !== terms) problems.push(`chunks end at ${next}, not ${terms}`);
  if (ledger.total().termsDone !== terms) problems.push(`${ledger.total().termsDone} terms done of ${terms}`);
  return problems;
}
