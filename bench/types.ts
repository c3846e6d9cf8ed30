/** One row of the `npm run bench` table. Ratios are measured side by side in one run. */
export interface BenchRow {
  section: string;
  name: string;
  value: number | string;
  unit: string;
  note?: string;
}
