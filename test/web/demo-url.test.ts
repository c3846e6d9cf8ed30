// `demo` serves the mirror too and names its URL in one line on stderr, so the README's first command shows
// the panel in a browser.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import type { CommandContext } from '../../src/commands/context';
import { registerDemo } from '../../src/commands/demo';
import { DEFAULT_CONFIG } from '../../src/config';
import { memoryLogger } from '../../src/log';
import { buildExecutorBundle } from '../pi/executor-harness';
import { readEvents, waitFor } from './harness';

let outDir: string;
let bundle: { bytes: Buffer; sha256: string };
beforeAll(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesos-panel-demo-test-'));
  const bytes = fs.readFileSync(buildExecutorBundle(outDir));
  bundle = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
});
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

test('demo prints the URLs of the mirror and the dashboard on stderr, and the pages and the stream answer there', async () => {
  let err = '';
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  // The terminal drawing goes to stdout; it is not what this test looks at.
  const o = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const out: string[] = [];
  const ctx: CommandContext = { config: () => DEFAULT_CONFIG, out: (t) => out.push(t), log: memoryLogger(), configFile: () => undefined };
  const program = new Command('mesos-panel').exitOverride();
  registerDemo(program, ctx, { bundle: () => bundle });
  try {
    const running = program.parseAsync(['node', 'mesos-panel', 'demo', '--agents', '1', '--seconds', '4']);
    await waitFor('the URL line', () => /the panel in a browser: http:\/\/127\.0\.0\.1:\d+\/\n/.test(err));
    const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(err)![1];
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<canvas id="glass"');
    const stream = await readEvents(`${url}events`);
    await waitFor('a frame', () => stream.events.length > 0);
    stream.close();
    expect(err).toContain(`the dashboard for a projector: ${url}dashboard\n`);
    const dashboard = await fetch(`${url}dashboard`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('<script src="/dashboard.js">');
    await running;
    // The demo's own line, once; the log's lines (on stderr too when no terminal shows them) say other things.
    expect(err.split('\n').filter((l) => l.startsWith('the panel in a browser:'))).toEqual([`the panel in a browser: ${url}`]);
    expect(out).toEqual([]);
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
});
