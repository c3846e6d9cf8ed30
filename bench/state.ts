// Parse time per MB of /state: the 2.4 MB real capture from dcos-ui (0.22.0, 6 agents, 5 frameworks, 1000
// completed tasks each). JSON.parse and parseState are timed apart and together, median of several runs.
// Target: at most 10 ms per MB for the whole, on the CI machine; a Pi is several times slower.
import { readFileSync } from 'node:fs';
import { parseState } from '../src/mesos/state-parse';
import { mesosFixture } from './fixtures';
import type { BenchRow } from './types';

const FIXTURE = 'master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json';
const RUNS = 21;
const WARMUP = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeMs(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function run(): Promise<BenchRow[]> {
  const text = readFileSync(mesosFixture('state', FIXTURE), 'utf8');
  const mb = Buffer.byteLength(text) / 1e6;
  const parsed: unknown = JSON.parse(text);
  const jsonMs: number[] = [];
  const stateMs: number[] = [];
  const bothMs: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const j = timeMs(() => JSON.parse(text));
    const s = timeMs(() => parseState(parsed));
    const b = timeMs(() => parseState(JSON.parse(text)));
    if (i >= WARMUP) {
      jsonMs.push(j);
      stateMs.push(s);
      bothMs.push(b);
    }
  }
  const perMb = (xs: number[]) => median(xs) / mb;
  const note = `median of ${RUNS}, ${mb.toFixed(2)} MB (1 MB = 10^6 bytes)`;
  return [
    { section: 'state', name: 'JSON.parse per MB', value: perMb(jsonMs), unit: 'ms/MB', note },
    { section: 'state', name: 'parseState per MB (after JSON.parse)', value: perMb(stateMs), unit: 'ms/MB', note },
    { section: 'state', name: 'JSON.parse + parseState per MB', value: perMb(bothMs), unit: 'ms/MB', note: `target ≤ 10; ${note}` },
    { section: 'state', name: 'parseState cost relative to JSON.parse', value: median(stateMs) / median(jsonMs), unit: '×', note: 'same run' },
  ];
}
