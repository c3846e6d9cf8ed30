// What the CLI writes where, as a shell sees it: logs on stderr, results on stdout, and a reader that goes away
// early (`| head`) ends a command quietly, through the same shutdown as Ctrl-C.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { startSimCluster } from '../src/sim';
import { CliRig, processesUnder } from './cli-process';

let rig: CliRig;
beforeAll(() => {
  rig = new CliRig();
});
afterAll(() => rig.close());

/** A config for `run` that needs nothing of this machine: no button, state in a temp folder, a master that is down. */
function runConfig(): string {
  const dir = fs.mkdtempSync(path.join(rig.dir, 'run-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({ masters: ['http://127.0.0.1:9'], stateDir: dir, button: { backend: 'none' }, http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' } }),
  );
  return file;
}

describe('log lines go to stderr', () => {
  it('run --display terminal: stdout holds only the picture, the log is on stderr', async () => {
    const p = rig.start(['--config', runConfig(), 'run', '--display', 'terminal', '--size', '20x4']);
    // The first poll's failure comes after the signal handlers are in place.
    await p.until('err', /no master answers/);
    await p.until('out', /└─+┘/);
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect([r.code, r.signal]).toEqual([0, null]);
    expect(r.out).not.toMatch(/panel:|stopping on/);
    expect(r.out).toMatch(/^┌─{20}┐/);
    expect(r.err).toMatch(/^panel: terminal 20x4, masters http:\/\/127\.0\.0\.1:9$/m);
    expect(r.err).toMatch(/^stopping on SIGTERM$/m);
  });

  it('under systemd the lines keep their <N> priority prefix, still on stderr', async () => {
    const p = rig.start(['--config', runConfig(), 'run', '--display', 'none'], { JOURNAL_STREAM: '8:12345' });
    await p.until('err', /no master answers/);
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^<6>panel: none 128x64/m);
  });
});

describe('a closed pipe ends a command quietly', () => {
  it('install --dry-run into a reader that has gone exits 0 with nothing on stderr', async () => {
    const p = rig.start(['install', '--dry-run']);
    p.child.stdout!.destroy();
    const r = await p.done;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('pi 2>&1 | head: a job whose log reader has gone ends quietly at its next line, its framework torn down, exit 0', async () => {
    const cluster = await startSimCluster({ agents: 2 });
    const before = new Set(cluster.model.frameworks.keys());
    try {
      // A running job writes nothing until it ends (no progress line into a pipe), so the gone reader is found
      // by the summary: a job short enough to end within the test.
      const p = rig.start(['pi', '--master', cluster.url, '--terms', '2e9', '--http-port', '0']);
      await new Promise<void>((resolve) => {
        const t = setInterval(() => processesUnder(cluster.workDir).length > 0 && (clearInterval(t), resolve()), 100);
      });
      p.child.stderr!.destroy();
      p.child.stdout!.destroy();
      const r = await p.done;
      expect({ code: r.code, signal: r.signal, err: r.code === 0 ? '' : r.err }).toEqual({ code: 0, signal: null, err: '' });
      // The framework was torn down, so the agents killed its executors.
      await new Promise<void>((resolve) => {
        const t = setInterval(() => processesUnder(cluster.workDir).length === 0 && (clearInterval(t), resolve()), 100);
      });
      const ours = [...cluster.model.frameworks.values(), ...cluster.model.completedFrameworks].filter((f) => !before.has(f.id));
      expect(ours.map((f) => [f.name, cluster.model.frameworks.has(f.id)])).toEqual([[expect.stringMatching(/^mesos-panel pi/), false]]);
    } finally {
      await cluster.close();
    }
  }, 120_000);

  it('demo | head: stops its executors and removes its folders, like q', async () => {
    const p = rig.start(['demo', '--agents', '2']);
    // Wait for the π job's executors, so there is something to stop, then read two lines and go away.
    await new Promise<void>((resolve) => {
      const t = setInterval(() => processesUnder(rig.tmp).length > 0 && (clearInterval(t), resolve()), 100);
    });
    await p.until('out', /\n.*\n/);
    p.child.stdout!.destroy();
    const r = await p.done;
    // Into a pipe the demo's log lines go to stderr, as every command's do; the gone reader adds nothing there.
    expect(r.err).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(r.code).toBe(0);
    expect(processesUnder(rig.tmp)).toEqual([]);
    expect(fs.readdirSync(rig.tmp)).toEqual([]);
  }, 60_000);
});

describe('run --display png', () => {
  /** Runs until `file` exists, then stops the daemon as systemd would. */
  async function runUntilWritten(args: string[], file: string): Promise<string> {
    const p = rig.start(['--config', runConfig(), 'run', '--display', 'png', ...args]);
    await p.until('err', /no master answers/);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => fs.existsSync(file) && (clearInterval(t), resolve()), 50);
    });
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect([r.code, r.out]).toEqual([0, '']);
    expect(r.err).not.toMatch(/cannot write/);
    return r.err;
  }

  it('writes ./mesos-panel.png when not under systemd, and says where', async () => {
    const file = path.join(rig.dir, 'mesos-panel.png');
    expect(await runUntilWritten([], file)).toContain(`panel: png:${file} 128x64`);
    expect(PNG.sync.read(fs.readFileSync(file)).width).toBe(128);
    fs.rmSync(file);
  });

  it('takes the file and the scale on the command line', async () => {
    fs.mkdirSync(path.join(rig.dir, 'pictures'));
    const file = path.join(rig.dir, 'pictures/panel.png');
    await runUntilWritten(['--png', 'pictures/panel.png', '--scale', '2', '--size', '128x32'], file);
    const png = PNG.sync.read(fs.readFileSync(file));
    expect([png.width, png.height]).toEqual([256, 64]);
  });
});
