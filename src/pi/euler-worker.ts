// Euler numbers for a digits job built in a child process, so that the daemon's event loop keeps running
// (seconds to minutes on a Pi) and its resident memory never holds the temporaries: the computation
// allocates thousands of times the numbers' final size, and V8 keeps the heap it grew long after the garbage
// is gone. A worker thread did the same work before, but its heap is part of the daemon's process: the
// daemon's RSS peaked 30 MB higher for E_0 … E_2000, against 9 MB with a child that only reads the file
// (bench/digits.ts measures the thread, the worker and the child side by side).
// The child's heap is capped (workerHeapMb), so a K larger than planned fails with one line; it writes the
// numbers to the state directory (euler.ts) and the daemon reads them from there, so nothing large crosses
// the IPC channel. The child computes one pass at a time and lets its event loop run between passes, so it
// sees its IPC channel close and ends when the daemon does, even when the daemon is SIGKILLed.
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cachedEulerNumbers, eulerMb, secantNumbers, storedEulerNumbers, storeEulerNumbers } from './euler';

const TAG = 'mesos-panel-euler-child';

/**
 * Old-generation heap for a child building Euler numbers of `eulerMb` in all, MB: the numbers three times
 * over (the array being rewritten and what the collector has not reached yet), and 16 MB for the rest. Below
 * that V8 collects so often that E_0 … E_4000 took 2.4× as long (measured with 16 MB in all).
 */
export const workerHeapMb = (eulerMb: number): number => Math.ceil(16 + 3 * eulerMb);

/**
 * What building them adds at its peak to the memory of a bare Node, MB: the child's heap and ~10 MB of V8's
 * own (its young generation, code, stack). Measured for E_0 … E_2000 with the unit's settings: the child
 * peaked at 64–66 MB and a bare Node takes 40 MB, so +25–27 MB where this says 29 (bench/digits.ts).
 */
export const workerPeakMb = (eulerMb: number): number => workerHeapMb(eulerMb) + 10;

/** The compiled child's script: this module, beside euler.js in the build. */
const DEFAULT_SCRIPT = path.join(__dirname, 'euler-worker.js');

/** What the child answers over IPC: that the numbers are in the file, or the one-line reason they are not. */
type Answer = { ok: true } | { ok: false; error: string };

/**
 * E_0 … E_{2(count−1)}, from the state directory `dir` when it holds them, else built in a child process that
 * writes them there first. Where the compiled script is missing, as when the TypeScript sources run directly,
 * they are built in this thread. Rejects with a one-line Error when the child fails, runs out of its heap or
 * is killed; nothing is left half done, so calling again starts over.
 */
export async function eulerNumbersInWorker(dir: string, count: number, script = DEFAULT_SCRIPT): Promise<bigint[]> {
  const stored = storedEulerNumbers(dir, count);
  if (stored) return stored;
  if (!fs.existsSync(script)) return cachedEulerNumbers(dir, count);
  const what = `Euler numbers E_0 … E_${2 * Math.max(0, count - 1)}`;
  const problem = await runChild(script, dir, count);
  if (problem) throw new Error(`${what} ${problem}`);
  const numbers = storedEulerNumbers(dir, count);
  if (!numbers) throw new Error(`${what}: their child process said it wrote them, but ${dir} holds no intact copy; check the state directory`);
  return numbers;
}

/** Runs the child to its end: null when it wrote the numbers, else what went wrong and the fix. */
function runChild(script: string, dir: string, count: number): Promise<string | null> {
  const heapMb = workerHeapMb(eulerMb(count));
  return new Promise((resolve) => {
    const child = fork(script, [TAG, dir, String(count)], {
      // The unit's young generation: the numbers outlive many collections, the temporaries none; with 1 MB
      // instead of 2, E_0 … E_2000 took half as long again (0.55 s of CPU against 0.37 s).
      execArgv: [`--max-old-space-size=${heapMb}`, '--max-semi-space-size=2'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let answer: Answer | null = null;
    // Only the end of what it prints matters: V8's out-of-memory report, or an uncaught error.
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8192)));
    child.once('message', (m: Answer) => (answer = m));
    child.once('error', (err) => resolve(`could not start their child process: ${err.message}; check that ${process.execPath} runs`));
    child.once('close', (code, signal) => {
      if (/heap out of memory/.test(stderr)) resolve(`needed more than their child process's ${heapMb} MB heap; ask for fewer digits`);
      else if (answer?.ok && code === 0) resolve(null);
      else if (answer && !answer.ok) resolve(`could not be built: ${answer.error}`);
      else if (signal) resolve(`were not built: their child process was killed by ${signal}${signal === 'SIGKILL' ? ' (the kernel does so when memory runs out)' : ''}; start the job again, or ask for fewer digits`);
      else {
        const cause = /^\w*Error\b.*$/m.exec(stderr)?.[0];
        resolve(`were not built: their child process stopped (exit code ${code})${cause ? ` with ${cause}` : ''} before it answered; start the job again`);
      }
    });
  });
}

/** The child's side: build the numbers a pass at a time, write them to `dir`, and say so. */
async function childMain(dir: string, count: number): Promise<void> {
  // The daemon gone (its end of the channel closed): nobody is waiting for the numbers.
  const orphaned = (): never => process.exit(1);
  process.on('disconnect', orphaned);
  let answer: Answer;
  try {
    const passes = secantNumbers(count);
    let pass = passes.next();
    for (let last = Date.now(); !pass.done; pass = passes.next()) {
      if (Date.now() - last < 20) continue;
      await new Promise(setImmediate);
      last = Date.now();
    }
    storeEulerNumbers(dir, pass.value);
    answer = { ok: true };
  } catch (err) {
    answer = { ok: false, error: `${(err as Error).message.split('\n')[0]}; check that the state directory ${dir} is writable` };
  }
  process.off('disconnect', orphaned);
  process.send?.(answer, () => process.disconnect());
}

if (require.main === module && process.argv[2] === TAG) void childMain(process.argv[3], Number(process.argv[4]));
