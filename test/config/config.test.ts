import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, DEFAULT_CONFIG, resolveConfig } from '../../src/config';
import { envLayer, loadConfig } from '../../src/config-load';
import { readCredentials } from '../../src/master-access';
import { maxDigits } from '../../src/pi/digits-plan';

const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A file in a temp folder that is removed after the file's tests. */
function tmp(name: string, content: string, mode = 0o600): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-config-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, content, { mode });
  fs.chmodSync(file, mode);
  return file;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('defaults validate and point at a local master', () => {
    expect(resolveConfig([])).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.masters).toEqual(['http://localhost:5050']);
  });

  it('layers: file, then environment, then flags', () => {
    const file = tmp('c.json', JSON.stringify({ pollIntervalMs: 2000, display: { kind: 'sh1106' }, masters: ['http://a:5050'] }));
    const cfg = loadConfig({
      configFile: file,
      env: { MESOS_PANEL_POLL_INTERVAL_MS: '3000', MESOS_PANEL_DISPLAY__ROTATION: '180', PATH: '/bin' },
      flags: { pollIntervalMs: 4000 },
    });
    expect(cfg.pollIntervalMs).toBe(4000);
    expect(cfg.display.kind).toBe('sh1106');
    expect(cfg.display.rotation).toBe(180);
    expect(cfg.display.size).toBe('128x64');
    expect(cfg.masters).toEqual(['http://a:5050']);
  });

  it('environment lists and hex addresses are coerced', () => {
    const cfg = resolveConfig([envLayer({ MESOS_PANEL_MASTERS: 'http://a:5050, http://b:5050', MESOS_PANEL_DISPLAY__ADDRESS: '0x3d' })]);
    expect(cfg.masters).toEqual(['http://a:5050', 'http://b:5050']);
    expect(cfg.display.address).toBe(0x3d);
  });

  it('each problem is one line naming key, value, source and what is allowed', () => {
    const file = tmp('c.json', JSON.stringify({ display: { kind: 'ssd1351', rotation: 90 }, pollIntervalMs: 'fast' }));
    const msg = errorOf(() => loadConfig({ configFile: file, env: {} }));
    const lines = msg.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines).toContain(`config: display.kind is "ssd1351" (${file}); allowed: one of "ssd1306", "ssd1309", "sh1106", "sh1107", "hd44780", "terminal", "png", "none"`);
    expect(lines).toContain(`config: display.rotation is 90 (${file}); allowed: one of 0, 180`);
    expect(lines.find((l) => l.startsWith('config: pollIntervalMs is "fast"'))).toMatch(/allowed: a number/);
  });

  it('names unknown keys and unknown environment variables, with the name that was meant', () => {
    expect(errorOf(() => resolveConfig([{ source: 'x.json', values: { pollIntervalMS: 5 } }]))).toBe(
      'config: unknown key "pollIntervalMS" (x.json); did you mean "pollIntervalMs"?',
    );
    expect(errorOf(() => resolveConfig([{ source: 'x.json', values: { dispaly: { kind: 'png' } } }]))).toBe('config: unknown key "dispaly" (x.json); did you mean "display"?');
    expect(errorOf(() => resolveConfig([{ source: 'x.json', values: { display: { lcd: { pinmap: 'mjkdz' } } } }]))).toBe(
      'config: unknown key "display.lcd.pinmap" (x.json); did you mean "display.lcd.pinMap"?',
    );
    expect(errorOf(() => resolveConfig([{ source: 'x.json', values: { display: { lcd: { pinMap: 'custom', customPins: { rs: 0, rw: 1, e: 2, backlight: 3, d4: 4, d5: 5, d6: 6, d7: 7, d8: 0 } } } } }]))).toBe(
      'config: unknown key "display.lcd.customPins.d8" (x.json); did you mean "display.lcd.customPins.d4"?',
    );
    expect(errorOf(() => resolveConfig([{ source: 'x.json', values: { kind: 'sh1106' } }]))).toBe('config: unknown key "kind" (x.json); did you mean "display.kind"?');
    expect(errorOf(() => resolveConfig([{ source: 'x.json', values: { button: { colour: 'red' } } }]))).toBe(
      'config: unknown key "button.colour" (x.json); the keys of button are backend, pin, debounceMs, longPressMs',
    );
    expect(errorOf(() => envLayer({ MESOS_PANEL_DISPLY__KIND: 'png' }))).toBe('config: unknown environment variable MESOS_PANEL_DISPLY__KIND; did you mean MESOS_PANEL_DISPLAY__KIND?');
    expect(errorOf(() => envLayer({ MESOS_PANEL_COLOUR: 'red' }))).toMatch(/unknown environment variable MESOS_PANEL_COLOUR; the names are MESOS_PANEL_ plus the key/);
  });

  it('a bad value from the environment names the variable', () => {
    const msg = errorOf(() => loadConfig({ env: { MESOS_PANEL_POLL_INTERVAL_MS: 'fast', MESOS_PANEL_DISPLAY__KIND: 'ssd1351' } }));
    expect(msg.split('\n').sort()).toEqual([
      'config: display.kind is "ssd1351" (environment MESOS_PANEL_DISPLAY__KIND); allowed: one of "ssd1306", "ssd1309", "sh1106", "sh1107", "hd44780", "terminal", "png", "none"',
      'config: pollIntervalMs is "fast" (environment MESOS_PANEL_POLL_INTERVAL_MS); allowed: a number',
    ]);
  });

  it('says "an array" and "an object", not "a array"', () => {
    expect(errorOf(() => resolveConfig([{ source: 'f', values: { masters: 'http://a:5050' } }]))).toBe('config: masters is "http://a:5050" (f); allowed: an array');
    expect(errorOf(() => resolveConfig([{ source: 'f', values: { http: 5 } }]))).toBe('config: http is 5 (f); allowed: an object');
  });

  it('rejects prototype keys, bad JSON, a missing --config file and bad URLs', () => {
    const proto = tmp('p.json', '{"__proto__": {"polluted": true}}');
    expect(errorOf(() => loadConfig({ configFile: proto, env: {} }))).toMatch(/key "__proto__" is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(errorOf(() => loadConfig({ configFile: tmp('b.json', '{"masters": ['), env: {} }))).toMatch(/is not valid JSON/);
    expect(errorOf(() => loadConfig({ configFile: '/nonexistent/c.json', env: {} }))).toMatch(/does not exist/);
    expect(errorOf(() => resolveConfig([{ source: 'f', values: { masters: ['ftp://localhost:5050'] } }]))).toMatch(/masters.0 is "ftp:\/\/localhost:5050" \(f\); allowed: a master URL; a master speaks http:\/\/ or https:\/\//);
  });

  it('a missing default file is fine', () => {
    expect(loadConfig({ env: {} }).pollIntervalMs).toBe(DEFAULT_CONFIG.pollIntervalMs);
  });
});

describe('credentials', () => {
  it('reads JSON, the Mesos list form and the text form', () => {
    expect(readCredentials(tmp('a', '{"principal":"p","secret":"s"}'))).toEqual({ principal: 'p', secret: 's' });
    expect(readCredentials(tmp('b', '{"credentials":[{"principal":"p2","secret":"s2"}]}'))).toEqual({ principal: 'p2', secret: 's2' });
    expect(readCredentials(tmp('c', 'p3 s3\n'))).toEqual({ principal: 'p3', secret: 's3' });
  });

  it('refuses a file that group or others can read, without showing the secret', () => {
    const file = tmp('d', '{"principal":"p","secret":"hunter2"}', 0o644);
    const msg = errorOf(() => readCredentials(file));
    expect(msg).toBe(`credentials: ${file} can be read by group or others (mode 644); run: chmod 600 ${file}`);
    expect(msg).not.toContain('hunter2');
    expect(errorOf(() => readCredentials(tmp('e', 'only-one-word')))).toMatch(/must hold/);
  });
});

describe('pi.digits', () => {
  it('is null by default, takes a whole number of decimals, also from the environment', () => {
    expect(DEFAULT_CONFIG.pi.digits).toBeNull();
    expect(resolveConfig([{ source: 'f', values: { pi: { digits: 10_000 } } }]).pi.digits).toBe(10_000);
    expect(resolveConfig([envLayer({ MESOS_PANEL_PI__DIGITS: '10000' })]).pi.digits).toBe(10_000);
  });

  it('allows exactly what the π job can certify', () => {
    expect(resolveConfig([{ source: 'f', values: { pi: { digits: maxDigits() } } }]).pi.digits).toBe(maxDigits());
    expect(errorOf(() => resolveConfig([{ source: 'f', values: { pi: { digits: maxDigits() + 1 } } }]))).toBe(
      `config: pi.digits is ${maxDigits() + 1} (f); allowed: at most ${maxDigits()}`,
    );
  });

  it.each([
    [0, 'at least 1'],
    [-3, 'at least 1'],
    [2.5, 'a whole number'],
    ['many', 'a number'],
  ])('%p is one line naming the key and what is allowed', (digits, allowed) => {
    expect(errorOf(() => resolveConfig([{ source: 'f', values: { pi: { digits } } }]))).toBe(`config: pi.digits is ${JSON.stringify(digits)} (f); allowed: ${allowed}`);
  });
});
