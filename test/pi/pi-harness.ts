// Runs the π framework (PiService) against a simulated cluster on loopback with the real executor bundle,
// built from the TypeScript sources, fetched by the agents over HTTP and run as child processes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import { scaleResult } from '../../src/pi/exact';
import { ExecutorServer } from '../../src/pi/executor-server';
import { runKernel } from '../../src/pi/kernel';
import type { Ledger, LedgerOptions } from '../../src/pi/ledger';
import { PiService, type PiServiceOptions } from '../../src/pi/service';
import { type SimCluster, type SimClusterOptions, startSimCluster } from '../../src/sim';
import { buildExecutorBundle } from './executor-harness';

/** Fixed 4e6-term chunks (no growth), so every run of a job cuts the same chunks and must give the same bits. */
export const FIXED_CHUNKS: LedgerOptions = { minChunkTerms: 4_000_000, targetTaskSeconds: 1, maxGrowth: 1, maxFailuresPerAgent: 3 };

export const FAST_CLUSTER: SimClusterOptions = {
  agents: 3, background: false, allocationIntervalMs: 50, updateRetryMs: 300, heartbeatIntervalSeconds: 1, tickMs: 50, executorRegistrationTimeoutMs: 20_000,
};

export class PiRig {
  readonly dir = mkdtempSync(join(tmpdir(), 'pi-rig-'));
  readonly bundle: { bytes: Buffer; sha256: string };

  constructor() {
    const bytes = readFileSync(buildExecutorBundle(join(this.dir, 'build')));
    this.bundle = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  async cluster(opts: SimClusterOptions = {}): Promise<SimCluster> {
    return startSimCluster({ ...FAST_CLUSTER, ...opts });
  }

  async files(): Promise<ExecutorServer> {
    return ExecutorServer.start({ bundle: this.bundle, bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' });
  }

  options(masters: string[], url: string, over: Partial<PiServiceOptions> = {}): PiServiceOptions {
    return {
      masters,
      framework: { user: 'root', name: 'mesos-panel pi test', role: '*', failoverTimeoutSeconds: 3600, hostname: 'localhost' },
      job: { terms: 100_000_000, kernel: 'precise', corrections: 2 },
      resources: { taskCpus: 1, taskMemMb: 32, executorCpus: 0.1, executorMemMb: 64 },
      executor: { mode: 'per-agent', nodePath: process.execPath, url, sha256: this.bundle.sha256 },
      refuseSeconds: 1,
      logger: memoryLogger(),
      stateDir: null,
      ledgerOptions: FIXED_CHUNKS,
      client: { backoffMinMs: 20, backoffMaxMs: 200, requestTimeoutMs: 5000 },
      ...over,
    };
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Resolves when cond() holds; polls, since the service reports through its ledger. */
export async function until(what: string, cond: () => boolean, timeoutMs = 40_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function done(service: PiService): Promise<void> {
  return until('the job to finish', () => service.job?.isDone() ?? false);
}

/** The same chunks summed in this process by the same kernel: what the cluster must reproduce bit for bit. */
export function expectedSum(ledger: Ledger): bigint {
  let sum = 0n;
  for (const c of ledger.data.chunks) {
    const r = runKernel(ledger.kernel, c.start, c.end);
    sum += scaleResult(r.hi, r.lo, r.errBound).value;
  }
  return sum;
}
