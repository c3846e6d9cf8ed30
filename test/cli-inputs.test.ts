// The CLI's inputs as a careless user gives them, run as real processes: master URLs in every spelling, masters
// that do not answer or are not Mesos, state files that are folders or the wrong document, a busy port.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { Ledger } from '../src/pi/ledger';
import { serializeLedger } from '../src/pi/ledger-store';
import { CliRig } from './cli-process';

const FIXTURES = path.resolve(__dirname, 'fixtures/mesos');
const STATE = path.join(FIXTURES, 'real-1.12.0/master-state-task-running.json');
const SLAVES = path.join(FIXTURES, 'master-slaves__v1.1.0_3agents__ska-sa-katsdpcontroller.json');

let rig: CliRig;
/** A master that serves one recorded /master/state and nothing else, and the paths it was asked for. */
let master: http.Server;
let port: number;
const asked: string[] = [];
/** A web server that is not Mesos: every path is a page of HTML. */
let web: http.Server;

function listen(handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  rig = new CliRig();
  const state = fs.readFileSync(STATE);
  master = await listen((req, res) => {
    asked.push(req.url ?? '');
    if (req.url === '/master/state') res.writeHead(200, { 'Content-Type': 'application/json' }).end(state);
    else res.writeHead(404).end();
  });
  port = (master.address() as AddressInfo).port;
  web = await listen((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>It works!</body></html>'));
});
afterAll(async () => {
  await rig.close();
  await Promise.all([master, web].map((s) => new Promise((r) => s.close(r))));
});

function file(name: string, text: string): string {
  const f = path.join(fs.mkdtempSync(path.join(rig.dir, 'in-')), name);
  fs.writeFileSync(f, text);
  return f;
}

const config = (values: object) => file('config.json', JSON.stringify(values));
const png = () => path.join(fs.mkdtempSync(path.join(rig.dir, 'out-')), 'o.png');
const sizeOf = (f: string) => {
  const p = PNG.sync.read(fs.readFileSync(f));
  return [p.width, p.height];
};

/** One line on stderr, no stack, and the exit code. */
function expectOneLine(r: { code: number | null; err: string }, code: number, re: RegExp): void {
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(re);
  expect(r.code).toBe(code);
}

describe('render needs what it was asked to draw', () => {
  it('exits 1 with one line when the master does not answer, and writes no picture', async () => {
    const out = png();
    const r = await rig.run(['render', '--master', 'http://127.0.0.1:9', '--screen', 'overview', '--png', out]);
    expectOneLine(r, 1, /^mesos-panel: cannot reach http:\/\/127\.0\.0\.1:9\/master\/state/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('exits 1 with one line when the server is not a Mesos master', async () => {
    const r = await rig.run(['render', '--master', `http://127.0.0.1:${(web.address() as AddressInfo).port}`, '--screen', 'agents', '--png', png()]);
    expectOneLine(r, 1, /^mesos-panel: .*127\.0\.0\.1.*/);
  });

  it('still draws the unreachable screen of a master that does not answer, on purpose', async () => {
    const out = png();
    const r = await rig.run(['render', '--master', 'http://127.0.0.1:9', '--screen', 'unreachable', '--png', out]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(sizeOf(out)).toEqual([128, 64]);
  });

  it('draws a saved π job with neither master nor state file', async () => {
    const ledger = file('pi-ledger.json', serializeLedger(Ledger.create('job1', 1e9, 'fast', Date.now())));
    const out = png();
    // The configured master would not answer: the pi screen of a saved job does not ask it.
    const r = await rig.run(['--config', config({ masters: ['http://127.0.0.1:9'] }), 'render', '--ledger', ledger, '--screen', 'pi', '--size', '20x4', '--png', out]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(fs.existsSync(out)).toBe(true);
  });
});

describe('--master, one rule for every command', () => {
  it('takes host:port without a scheme', async () => {
    const r = await rig.run(['status', '--master', `127.0.0.1:${port}`, '--json']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(JSON.parse(r.out).leader).toBe('127.0.0.1:5050');
  });

  it('takes a URL with the /master path a browser shows, and asks /master/state', async () => {
    asked.length = 0;
    const r = await rig.run(['status', '--master', `http://localhost:${port}/master`]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(asked).toEqual(['/master/state']);
  });

  it('refuses ftp:// with one line, as a usage error', async () => {
    expectOneLine(await rig.run(['status', '--master', 'ftp://10.0.0.2:5050']), 2, /^mesos-panel: --master "ftp:\/\/10\.0\.0\.2:5050": a master speaks http:\/\/ or https:\/\//);
    expectOneLine(await rig.run(['render', '--master', 'ftp://10.0.0.2:5050', '--screen', 'unreachable', '--png', png()]), 2, /--master "ftp:/);
  });

  it('refuses a password in the URL without repeating it', async () => {
    const r = await rig.run(['status', '--master', 'http://ops:hunter2@10.0.0.2:5050']);
    expectOneLine(r, 2, /^mesos-panel: --master "http:\/\/ops:\*\*\*@10\.0\.0\.2:5050": no user or password in the URL: put them in the file credentialsFile names$/m);
    expect(r.err).not.toContain('hunter2');
  });

  it('names plain HTTP as the likely cause when https:// meets a plain-http master', async () => {
    const r = await rig.run(['status', '--master', `https://127.0.0.1:${port}`]);
    expectOneLine(r, 1, /does not answer in TLS \(EPROTO\); the master probably serves plain HTTP: write http:\/\/ instead of https:\/\//);
  });

  it('the config file takes the same spellings', async () => {
    const r = await rig.run(['--config', config({ masters: [`127.0.0.1:${port}/master/state`] }), 'status', '--json']);
    expect([r.code, r.err]).toEqual([0, '']);
    expectOneLine(await rig.run(['--config', config({ masters: ['ftp://10.0.0.2'] }), 'status']), 2, /config: masters\.0 is "ftp:\/\/10\.0\.0\.2" .*; allowed: a master URL; a master speaks http:\/\//);
  });
});

describe('status and render use the configured masters when given neither --master nor --state-file', () => {
  it('status', async () => {
    const r = await rig.run(['--config', config({ masters: [`http://127.0.0.1:${port}`] }), 'status']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toMatch(new RegExp(`^master 127\\.0\\.0\\.1:5050 \\(Mesos 1\\.12\\.0\\) from http://127\\.0\\.0\\.1:${port}$`, 'm'));
  });

  it('render', async () => {
    const out = png();
    const r = await rig.run(['render', '--screen', 'overview', '--png', out], { MESOS_PANEL_MASTERS: `http://127.0.0.1:9,http://127.0.0.1:${port}` });
    expect([r.code, r.err]).toEqual([0, '']);
    expect(sizeOf(out)).toEqual([128, 64]);
  });

  it('both at once is a usage error', async () => {
    expectOneLine(await rig.run(['status', '--master', `http://127.0.0.1:${port}`, '--state-file', STATE]), 2, /give --master URL or --state-file FILE, not both/);
  });
});

describe('--state-file', () => {
  it('a folder and a missing file are both usage errors naming the file', async () => {
    expectOneLine(await rig.run(['status', '--state-file', FIXTURES]), 2, new RegExp(`--state-file ${FIXTURES} is a folder; give the saved /master/state JSON file`));
    expectOneLine(await rig.run(['status', '--state-file', path.join(FIXTURES, 'nope.json')]), 2, /nope\.json does not exist/);
  });

  it('a /master/slaves document says /master/state is wanted', async () => {
    expectOneLine(await rig.run(['status', '--state-file', SLAVES]), 1, /frameworks is missing, expected an array; this looks like \/master\/slaves, save \/master\/state instead/);
  });
});

describe('render --scale is pixels per display pixel, with or without --display', () => {
  it.each([
    [['--size', '128x64', '--scale', '1'], [128, 64]],
    [['--size', '128x64', '--scale', '3'], [384, 192]],
    [['--size', '128x64', '--scale', '1', '--display', 'ssd1306'], [128, 64]],
    [['--size', '128x32', '--scale', '2', '--display', 'ssd1306'], [256, 64]],
    [['--size', '128x64', '--scale', '1', '--display', 'sh1106'], [128, 64]],
    // An LCD's glass: 5x8 cells with a one-pixel gap around each.
    [['--size', '20x4', '--scale', '1', '--display', 'hd44780'], [121, 37]],
    [['--size', '16x2', '--scale', '2', '--display', 'hd44780'], [194, 38]],
  ])('%j gives %j', async (args, size) => {
    const out = png();
    const r = await rig.run(['render', '--state-file', STATE, '--screen', 'overview', '--png', out, ...args]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(sizeOf(out)).toEqual(size);
  });
});

describe('sim-master', () => {
  it('on a port in use exits 1 at once with one line and leaves no folder', async () => {
    const r = await rig.run(['sim-master', '--port', String(port)]);
    expectOneLine(r, 1, new RegExp(`^mesos-panel: port ${port} is in use .*; give another --port, or --port 0 for a free one$`, 'm'));
    expect(fs.readdirSync(rig.tmp)).toEqual([]);
  });
});
