// `mesos-panel config` and `config --check`, through the CLI's main() as a user runs them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './run-cli';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-config-cmd-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, values: unknown): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof values === 'string' ? values : JSON.stringify(values));
  return p;
}

const run = (env: Record<string, string>, ...args: string[]) => runCli(args, env);

const row = (out: string, key: string) => out.split('\n').find((l) => l.startsWith(`${key} `))?.split(/\s{2,}/);

describe('mesos-panel config', () => {
  it('prints every key with its value and where it came from: default, file, variable, command line', async () => {
    const cfg = file('c.json', { pollIntervalMs: 2000, display: { size: '20x4' } });
    const r = await run({ MESOS_PANEL_DISPLAY__KIND: 'hd44780' }, '--config', cfg, 'config', '--master', 'http://10.0.0.2:5050');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(`# defaults, then ${cfg}, then MESOS_PANEL_* variables, then the command line`);
    expect(row(r.out, 'pollIntervalMs')).toEqual(['pollIntervalMs', '2000', cfg]);
    expect(row(r.out, 'display.size')).toEqual(['display.size', '"20x4"', cfg]);
    expect(row(r.out, 'display.kind')).toEqual(['display.kind', '"hd44780"', 'environment MESOS_PANEL_DISPLAY__KIND']);
    expect(row(r.out, 'masters')).toEqual(['masters', '["http://10.0.0.2:5050"]', 'command line']);
    expect(row(r.out, 'pi.autoStart')).toEqual(['pi.autoStart', 'false', 'default']);
    expect(row(r.out, 'display.lcd.customPins')).toEqual(['display.lcd.customPins', 'null', 'default']);
  });

  it('never prints a password in a master URL, in the table or in --json', async () => {
    const cfg = file('secret.json', { masters: ['http://ops:hunter2@10.0.0.2:5050'] });
    const table = await run({}, '--config', cfg, 'config');
    const json = await run({}, '--config', cfg, 'config', '--json');
    expect(table.out + json.out).not.toContain('hunter2');
    expect(row(table.out, 'masters')?.[1]).toBe('["http://ops:***@10.0.0.2:5050"]');
    expect(JSON.parse(json.out).masters).toEqual(['http://ops:***@10.0.0.2:5050']);
  });

  it('--check says ok for a good file and exit 2 with one line per problem for a bad one', async () => {
    const good = file('good.json', { masters: ['http://10.0.0.2:5050'] });
    expect(await run({}, 'config', '--check', good)).toEqual({ code: 0, out: `${good}: ok\n`, err: '' });
    const bad = file('bad.json', { dispaly: { kind: 'sh1106' }, pollIntervalMs: 10 });
    const r = await run({}, 'config', '--check', bad);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().replace(/^mesos-panel: /, '').split('\n').sort()).toEqual([
      `config: pollIntervalMs is 10 (${bad}); allowed: at least 500`,
      `config: unknown key "dispaly" (${bad}); did you mean "display"?`,
    ]);
    const missing = await run({}, 'config', '--check', path.join(dir, 'missing.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`mesos-panel: config: ${path.join(dir, 'missing.json')} does not exist; create it (mesos-panel install writes one) or fix --check\n`);
  });

  it('--check accepts the repository\'s config.example.json', async () => {
    const example = path.resolve(__dirname, '../../config.example.json');
    expect(await run({}, 'config', '--check', example)).toEqual({ code: 0, out: `${example}: ok\n`, err: '' });
  });

  it('--check takes the file alone, not the environment', async () => {
    const good = file('good2.json', {});
    expect((await run({ MESOS_PANEL_POLL_INTERVAL_MS: '1' }, 'config', '--check', good)).code).toBe(0);
  });
});
