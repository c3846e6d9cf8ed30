// The framework id, kept in stateDir so that a restarted daemon re-subscribes with it and Mesos treats the
// restart as a failover: tasks keep running and their results still arrive (Mesos docs/scheduler-http-api.md).
// Written atomically (ledger-store's writeFileAtomic: temp file, fsync, rename, fsync of the directory), so
// a power cut leaves either the old id or the new one. A file that cannot be read as ours is moved aside
// with a log line, never dropped silently.
import { mkdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import { writeFileAtomic } from './ledger-store';
import { errorLine } from '../lib/error-line';

export const FRAMEWORK_FILE = 'framework.json';

export interface StoredFramework {
  frameworkId: string;
  /** The masters it was registered with; a different cluster does not know the id. */
  masters: string[];
  savedAt: string;
}

export class FrameworkStore {
  readonly file: string;

  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {
    this.file = join(dir, FRAMEWORK_FILE);
  }

  /** The saved id, or null when there is none (or it was unreadable and has been moved aside). */
  load(): StoredFramework | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      this.logger.warn(`cannot read ${this.file}: ${errorLine(err)}; subscribing as a new framework`);
      return null;
    }
    try {
      const v = JSON.parse(text) as Partial<StoredFramework>;
      if (typeof v.frameworkId === 'string' && v.frameworkId !== '' && v.frameworkId.length <= 255 && Array.isArray(v.masters) && v.masters.every((m) => typeof m === 'string')) {
        return { frameworkId: v.frameworkId, masters: v.masters, savedAt: String(v.savedAt ?? '') };
      }
    } catch {
      // fall through: not JSON
    }
    const aside = `${this.file}.corrupt-${Date.now()}`;
    try {
      renameSync(this.file, aside);
      this.logger.error(`${this.file} is not a saved framework id; moved it to ${aside} and subscribing as a new framework`);
    } catch (err) {
      this.logger.error(`${this.file} is not a saved framework id and cannot be moved aside (${errorLine(err)}); subscribing as a new framework`);
    }
    return null;
  }

  async save(frameworkId: string, masters: string[]): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const v: StoredFramework = { frameworkId, masters, savedAt: new Date().toISOString() };
    await writeFileAtomic(this.file, `${JSON.stringify(v)}\n`);
  }

  /** The id is retired (removed by Mesos, or torn down): the next subscription starts fresh. */
  clear(): void {
    try {
      unlinkSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
