// `npm run bench`: runs every bench/<area>.ts in one process, one after the other, and prints one table.
// Each area measures its competitors side by side in the same run, so the ratios are what to read.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchRow } from './types';

function format(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

function printTable(rows: BenchRow[]): void {
  const cells = rows.map((r) => [r.section, r.name, format(r.value), r.unit, r.note ?? '']);
  const header = ['section', 'measure', 'value', 'unit', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((s, i) => (i === 2 ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const areas = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && f !== 'index.js' && f !== 'types.js')
    .map((f) => f.slice(0, -3))
    .filter((a) => only.length === 0 || only.includes(a))
    .sort();
  const rows: BenchRow[] = [];
  for (const area of areas) {
    const mod = (await import(path.join(__dirname, `${area}.js`))) as { run?: () => Promise<BenchRow[]> };
    if (typeof mod.run !== 'function') continue;
    process.stderr.write(`bench: ${area}...\n`);
    try {
      rows.push(...(await mod.run()));
    } catch (err) {
      rows.push({ section: area, name: 'failed', value: '-', unit: '', note: (err as Error).message.split('\n')[0] });
    }
  }
  console.log(`mesos-panel bench, node ${process.version}, ${process.arch}, ${new Date().toISOString()}`);
  printTable(rows);
}

main().catch((err: Error) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
