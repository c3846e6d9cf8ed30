// Runs the π framework (PiService) against a simulated cluster on loopback with the real executor bundle,
// built from the TypeScript sources, fetched by the agents over HTTP and run as child processes.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { memoryLogger } from '../../src/log';
import { ExecutorServer } from '../../src/pi/executor-server';
import type { LedgerOptions } from '../../src/pi/chunk-sizing';
import type { Ledger } from '../../src/pi/ledger';
import { PiService, type PiServiceOptions } from '../../src/pi/service';
import { type SimCluster, type SimClusterOptions, startSimCluster } from '../../src/sim';
import { ReferenceSums } from '../../scripts/chaos/reference';
import { buildExecutorBundle } from './executor-harness';

/** Fixed 4e6-term chunks (no growth), so every run of a job cuts the same chunks and must give the same bits. */
export const FIXED_CHUNKS: LedgerOptions = { minChunkTerms: 4_000_000, targetTaskSeconds: 1, maxGrowth: 1, maxFailuresPerAgent: 3 };

/** A digits job CI affords: N = 2e6 terms, K = 100 corrections, P = 3400 bits, about 990 certified decimals. */
export const DIGITS_JOB = { terms: 2_000_000, corrections: 100, bits: 3400 };
/** Its 20 fixed chunks of 1e5 terms. */
export const DIGITS_CHUNKS: LedgerOptions = { minChunkTerms: 100_000, targetTaskSeconds: 1, maxGrowth: 1, maxFailuresPerAgent: 3 };

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

const REPO = resolve(__dirname, '../..');

/**
 * Transpiles a TypeScript entry and everything it imports relatively into outDir, as tsc would emit it, so it
 * can run as a real process with plain node (packages resolve through NODE_PATH to the repo's node_modules).
 */
export function transpileTree(entry: string, outDir: string): string {
  const options = ts.convertCompilerOptionsFromJson(JSON.parse(readFileSync(join(REPO, 'tsconfig.json'), 'utf8')).compilerOptions, REPO).options;
  const queue = [resolve(entry)];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText;
    const out = join(outDir, relative(REPO, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, js);
    for (const m of js.matchAll(/require\("(\.[^"]+)"\)/g)) {
      const base = resolve(dirname(file), m[1]);
      queue.push(statSync(`${base}.ts`, { throwIfNoEntry: false }) ? `${base}.ts` : join(base, 'index.ts'));
    }
  }
  return join(outDir, relative(REPO, entry)).replace(/\.ts$/, '.js');
}

export const NODE_PATH = join(REPO, 'node_modules');

/** What a service test file shares: one rig and file server, and the clusters and services of each test. */
export interface RigScope {
  rig: PiRig;
  files: ExecutorServer;
  /** A simulated cluster, closed after the test. */
  cluster(opts?: SimClusterOptions): Promise<SimCluster>;
  /** A service on these masters, opened, and torn down after the test. */
  service(masters: string[], over?: Partial<PiServiceOptions>): Promise<PiService>;
  /** Stops tracking a service the test stopped itself. */
  forget(service: PiService): void;
}

/** Registers the jest hooks for a RigScope; call it at the top of a describe block. */
export function useRig(): RigScope {
  const clusters: SimCluster[] = [];
  const services: PiService[] = [];
  const scope: RigScope = {
    rig: undefined as unknown as PiRig,
    files: undefined as unknown as ExecutorServer,
    cluster: async (opts) => {
      const c = await scope.rig.cluster(opts);
      clusters.push(c);
      return c;
    },
    service: async (masters, over) => {
      const s = new PiService(scope.rig.options(masters, scope.files.url, over));
      services.push(s);
      await s.open();
      return s;
    },
    forget: (s) => void services.splice(services.indexOf(s), 1),
  };
  beforeAll(async () => {
    scope.rig = new PiRig();
    scope.files = await scope.rig.files();
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.teardown();
    for (const c of clusters.splice(0)) await c.close();
  });
  afterAll(async () => {
    await scope.files.close();
    scope.rig.close();
  });
  return scope;
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
  return new ReferenceSums().sumOf(ledger.data.chunks, ledger.spec);
}
