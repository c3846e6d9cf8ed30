// Euler numbers for a digits job built in a worker thread, so the daemon's event loop keeps running (seconds
// to minutes on a Pi) and its own heap never holds the temporaries: the computation allocates thousands of
// times the numbers' final size, and V8 keeps the heap it grew long after the garbage is gone. The worker's
// heap is capped (workerHeapMb), so a K larger than planned fails with one line instead of pushing the
// daemon's memory up, and its pages go back when it exits. Measured side by side in bench/digits.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { cachedEulerNumbers, eulerMb, storedEulerNumbers } from './euler';

const TAG = 'mesos-panel euler worker';

/**
 * Old-generation heap for a worker building Euler numbers of `eulerMb` in all, MB: the numbers three times
 * over (the array being rewritten and what the collector has not reached yet), and 16 MB for the rest. Below
 * that V8 collects so often that E_0 … E_4000 took 2.4× as long (measured with 16 MB in all).
 */
export const workerHeapMb = (eulerMb: number): number => Math.ceil(16 + 3 * eulerMb);

/**
 * What the worker adds to the daemon's resident memory at its peak, MB: its heap and ~10 MB of its own (the
 * isolate, its young generation, its stack). Measured for E_0 … E_2000 with the unit's settings: +29 MB at
 * the peak with a 19 MB heap; the daemon's thread doing the same peaked at +25 MB but kept all of it, the
 * worker's process keeps +11 MB.
 */
export const workerPeakMb = (eulerMb: number): number => workerHeapMb(eulerMb) + 10;

/** The compiled worker, beside this module in the build. */
const DEFAULT_SCRIPT = path.join(__dirname, 'euler-worker.js');

/**
 * E_0 … E_{2(count−1)}, from the state directory `dir` when it holds them, else built in a worker that also
 * writes them there (euler.ts). Where the compiled worker is missing, as when the TypeScript sources run
 * directly, they are built in this thread. Rejects with a one-line Error when the worker fails.
 */
export async function eulerNumbersInWorker(dir: string, count: number, script = DEFAULT_SCRIPT): Promise<bigint[]> {
  const stored = storedEulerNumbers(dir, count);
  if (stored) return stored;
  if (!fs.existsSync(script)) return cachedEulerNumbers(dir, count);
  const heapMb = workerHeapMb(eulerMb(count));
  const what = `Euler numbers E_0 … E_${2 * Math.max(0, count - 1)}`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, {
      workerData: { tag: TAG, dir, count },
      // A small young generation: the numbers outlive many collections, the temporaries none.
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 4 },
    });
    let numbers: bigint[] | null = null;
    worker.once('message', (m: bigint[]) => (numbers = m));
    worker.once('error', (err: Error & { code?: string }) => {
      const why = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `needed more than the worker's ${heapMb} MB heap` : `failed: ${err.message.split('\n')[0]}`;
      reject(new Error(`${what} ${why}; ask for fewer digits`));
    });
    worker.once('exit', (code) => {
      if (numbers) resolve(numbers);
      else reject(new Error(`${what}: the worker stopped (code ${code}) before it answered; ask for fewer digits`));
    });
  });
}

if (!isMainThread && (workerData as { tag?: unknown } | null)?.tag === TAG) {
  const { dir, count } = workerData as { dir: string; count: number };
  parentPort?.postMessage(cachedEulerNumbers(dir, count));
}
