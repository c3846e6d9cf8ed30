// Kernel throughput per core, JS against the same loops in C (bench/c/kernels.c), side by side in one
// run: rounds alternate JS and C, each the median of 3 reps, and the table reports medians over rounds.
// Chunks start at 1e9 so that k exceeds 2^31 and both languages do double arithmetic, as in a real job.
import { execFileSync } from 'node:child_process';
import { doubleToHex } from '../src/pi/ledger-store';
import { runKernel, type ChunkSum, type KernelName } from '../src/pi/kernel';
import { compileC } from './compile-c';
import type { BenchRow } from './types';

const SECTION = 'pi kernel';
const ROUNDS = 5;
const REPS = 3;
const START = 1e9;
const TERMS: Record<KernelName, number> = { precise: 5e7, fast: 4e8 };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeJs(kernel: KernelName, terms: number): { seconds: number; result: ChunkSum } {
  const times: number[] = [];
  let result: ChunkSum = { hi: 0, lo: 0, errBound: 0 };
  for (let i = 0; i < REPS; i++) {
    const t0 = process.hrtime.bigint();
    result = runKernel(kernel, START, START + terms);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds: median(times), result };
}

function timeC(exe: string, kernel: KernelName, terms: number): { seconds: number; bits: string[] } {
  const out = execFileSync(exe, [kernel, String(START), String(START + terms), String(REPS)], { encoding: 'utf8' }).trim().split(' ');
  return { seconds: Number(out[3]), bits: out.slice(0, 3) };
}

export async function run(): Promise<BenchRow[]> {
  const { exe, note, cleanup } = compileC('kernels.c', ['-ffp-contract=off'], ['-lm']);
  const rows: BenchRow[] = [];
  try {
    for (const kernel of ['fast', 'precise'] as const) {
      const terms = TERMS[kernel];
      timeJs(kernel, Math.min(terms, 2e7)); // warm-up: let V8 optimise the loop before timing
      const js: number[] = [];
      const c: number[] = [];
      let jsResult: ChunkSum | null = null;
      let cBits: string[] | null = null;
      for (let r = 0; r < ROUNDS; r++) {
        const j = timeJs(kernel, terms);
        js.push(terms / j.seconds / 1e6);
        jsResult = j.result;
        if (exe) {
          const k = timeC(exe, kernel, terms);
          c.push(terms / k.seconds / 1e6);
          cBits = k.bits;
        }
      }
      const where = `chunk [1e9, 1e9+${terms.toExponential(0)}), median of ${ROUNDS} interleaved rounds`;
      rows.push({ section: SECTION, name: `${kernel}, JS`, value: median(js), unit: 'Mterms/s', note: where });
      if (!exe || !cBits || !jsResult) {
        rows.push({ section: SECTION, name: `${kernel}, C`, value: '-', unit: '', note });
        continue;
      }
      rows.push({ section: SECTION, name: `${kernel}, C`, value: median(c), unit: 'Mterms/s', note });
      const ratio = median(js.map((v, i) => v / c[i]));
      rows.push({ section: SECTION, name: `${kernel}, JS / C`, value: ratio, unit: 'ratio', note: kernel === 'fast' ? 'target >= 0.95' : 'same loop, double-double' });
      const jsBits = [jsResult.hi, jsResult.lo, jsResult.errBound].map(doubleToHex);
      const same = jsBits.every((b, i) => b === cBits![i]);
      rows.push({
        section: SECTION, name: `${kernel}, JS and C bit-identical`, value: same ? 'yes' : 'NO', unit: '',
        note: same ? `hi ${jsBits[0]} lo ${jsBits[1]}` : `JS ${jsBits.join(' ')} vs C ${cBits.join(' ')}`,
      });
    }
  } finally {
    cleanup();
  }
  return rows;
}
