import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import { FRAMEWORK_FILE, FrameworkStore } from '../../src/pi/framework-store';

describe('framework id store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fw-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves and loads the id, creating the state directory, and forgets it on clear', async () => {
    const store = new FrameworkStore(join(dir, 'state'), memoryLogger());
    expect(store.load()).toBeNull();
    await store.save('abc-0001', ['http://m1:5050']);
    expect(store.load()).toMatchObject({ frameworkId: 'abc-0001', masters: ['http://m1:5050'] });
    await store.save('abc-0002', ['http://m1:5050']);
    expect(store.load()?.frameworkId).toBe('abc-0002');
    expect(readdirSync(join(dir, 'state'))).toEqual([FRAMEWORK_FILE]);
    store.clear();
    store.clear();
    expect(store.load()).toBeNull();
  });

  it.each([['not json', '{"frameworkId":'], ['wrong shape', '{"frameworkId":42,"masters":[]}'], ['empty', '']])(
    'moves a %s file aside with one error line and starts fresh',
    (_what, text) => {
      writeFileSync(join(dir, FRAMEWORK_FILE), text);
      const log = memoryLogger();
      expect(new FrameworkStore(dir, log).load()).toBeNull();
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).toMatch(/^error: .*framework\.json is not a saved framework id; moved it to .*framework\.json\.corrupt-\d+ and subscribing as a new framework$/);
      const aside = readdirSync(dir).filter((f) => f.includes('.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(readFileSync(join(dir, aside[0]), 'utf8')).toBe(text);
    },
  );
});
