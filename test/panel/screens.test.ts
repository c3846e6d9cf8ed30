import { geometryOf, SIZES, type CharFrame, type Frame, type Bitmap } from '../../src/panel/frame';
import { fonts } from '../../src/panel/font';
import { pagesOf, renderScreen, SCREEN_NAMES, SHIFT_MARGIN } from '../../src/panel/render';
import type { PanelModel } from '../../src/panel/model';
import { LEVEL_CELLS, PARTIAL_CELLS } from '../../src/panel/frame';
import { A00_EXTRAS, CUT } from '../../src/panel/chargrid';
import { emptyModel, fixtureSnapshot, fullModel, hourHistory, NOW, partialModel, RUNNING_PI } from './fixture-model';
import { findText, litCount } from './bitmap-text';

const down = (): PanelModel =>
  fullModel({ source: { master: 'http://10.0.0.2:5050', ok: false, downSince: NOW - 125_000, lastError: 'connect ECONNREFUSED 10.0.0.2:5050' } });
const MODELS: Record<string, () => PanelModel> = {
  full: () => fullModel(),
  empty: emptyModel,
  partial: partialModel,
  down,
  idle: () => fullModel({ pi: { ...RUNNING_PI, state: 'idle', termsDone: 0, rawDigits: '', correctedDigits: '' } }),
  done: () => fullModel({ pi: { ...RUNNING_PI, state: 'done', termsDone: RUNNING_PI.termsTotal, etaSeconds: 0 } }),
  problem: () => fullModel({ pi: { ...RUNNING_PI, state: 'error', problem: 'master refused SUBSCRIBE: role "pi" is not allowed' } }),
  overlay: () => fullModel({ ui: { holdProgress: 0.5, banner: 'hold again to reset' } }),
  hour: () => fullModel({ history: hourHistory() }),
  many: () => {
    const s = fixtureSnapshot('master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json');
    return fullModel({ snapshot: s });
  },
};

function chars(f: Frame): CharFrame {
  if (f.kind !== 'chars') throw new Error('expected chars');
  return f.grid;
}
function bitmap(f: Frame): Bitmap {
  if (f.kind !== 'pixels') throw new Error('expected pixels');
  return f.bitmap;
}
const text = (f: Frame): string => chars(f).lines.join('\n');
const ALLOWED = new Set<string>([...PARTIAL_CELLS, ...LEVEL_CELLS, ...A00_EXTRAS, CUT]);

describe.each(SIZES)('every screen at %s', (size) => {
  const g = geometryOf(size);
  it.each(Object.keys(MODELS))('renders the %s model without throwing, inside the frame', (name) => {
    const model = MODELS[name]();
    for (const screen of SCREEN_NAMES) {
      for (let page = 0; page < pagesOf(screen, model, g); page++) {
        const f = renderScreen(screen, model, g, { page, message: 'halted', version: '1.0.0' });
        if (g.kind === 'chars') {
          const grid = chars(f);
          expect(grid.lines).toHaveLength(g.rows);
          for (const line of grid.lines) {
            expect([...line]).toHaveLength(g.cols);
            // Only what ROM A00 (and the CGRAM bar and level cells and cut mark) can show: no backslash, no tilde.
            for (const ch of line) expect(ALLOWED.has(ch) || (ch >= ' ' && ch <= '}' && ch !== '\\')).toBe(true);
          }
        } else {
          const b = bitmap(f);
          expect([b.width, b.height, b.pixels.length]).toEqual([g.width, g.height, g.width * g.height]);
          expect(b.pixels.every((p) => p === 0 || p === 1)).toBe(true);
          // The burn-in margin is left dark, so shifting never clips what the screen drew.
          for (let y = 0; y < b.height; y++) {
            for (let x = 0; x < b.width; x++) {
              if (x < SHIFT_MARGIN.x || x >= b.width - SHIFT_MARGIN.x || y < SHIFT_MARGIN.y || y >= b.height - SHIFT_MARGIN.y) {
                expect(b.pixels[y * b.width + x]).toBe(0);
              }
            }
          }
          if (screen !== 'message' || name !== 'empty') expect(litCount(b)).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('character screens say what the model says', () => {
  const g20 = geometryOf('20x4');
  const g16 = geometryOf('16x2');

  it('overview: leader, agents, running tasks and the three resources', () => {
    const t = text(renderScreen('overview', fullModel(), g20));
    // real-1.12.0: 1 agent with 4 CPUs, 2000 MB memory (shown in GB), one running task using 0.6 CPU
    expect(chars(renderScreen('overview', fullModel(), g20)).lines[0]).toBe('127.0.0.1 1/1ag 1run');
    expect(t).toMatch(/CPU .* 0\.6\/4\n/);
    expect(t).toMatch(/MEM .*\/2G\n/);
    expect(t).toMatch(/DSK .*\/9\.8G$/);
    expect(text(renderScreen('overview', fullModel(), g16))).toMatch(/^C .*0\.6\/4\nM /);
  });

  it('overview of an empty model shows placeholders', () => {
    const lines = chars(renderScreen('overview', emptyModel(), g20)).lines;
    expect(lines[0]).toBe('?         ?/?ag ?run');
    expect(lines[1]).toMatch(/^CPU +\?\/\?$/);
  });

  it('agents: one line per agent, paged', () => {
    const model = MODELS.many();
    const names = model.snapshot!.agentList.map((a) => a.hostname.split('.')[0]);
    expect(pagesOf('agents', model, g20)).toBe(Math.ceil(names.length / 3));
    const seen: string[] = [];
    for (let p = 0; p < pagesOf('agents', model, g20); p++) {
      const lines = chars(renderScreen('agents', model, g20, { page: p })).lines;
      expect(lines[0]).toMatch(new RegExp(`^Agents +${p + 1}/2$`));
      seen.push(...lines.slice(1).map((l) => l.split(' ')[0]).filter(Boolean));
    }
    expect(seen.map((s) => s.replace(/\.$/, ''))).toEqual(names.map((n, i) => n.slice(0, seen[i].replace(/\.$/, '').length)));
  });

  it('frameworks: name, tasks, CPUs and memory', () => {
    const lines = chars(renderScreen('frameworks', fullModel(), g20)).lines;
    const f = fullModel().snapshot!.frameworkList[0];
    expect(lines[0]).toBe('Frameworks 1        ');
    expect(lines[1]).toMatch(new RegExp(`^${f.name.slice(0, 7)}.* ${f.tasks}t ${f.cpusUsed}c +${Math.round(f.memUsed)}M$`));
  });

  it('host: hostname, address, uptime, load and temperature', () => {
    expect(chars(renderScreen('host', fullModel(), g20)).lines).toEqual(['mesos-master-1      ', '192.168.1.20        ', 'up 3d 4h            ', 'load 0.42     48.3°C']);
    // Unknown: the uptime labelled, the temperature (no thermal zone) left out, never a bare "?".
    expect(chars(renderScreen('host', emptyModel(), g16)).lines).toEqual(['no address      ', 'up ?            ']);
    expect(chars(renderScreen('host', emptyModel(), g20)).lines).toEqual(['no hostname         ', 'no address          ', 'up ?                ', 'load ?              ']);
  });

  it('unreachable before the first answer: what is unknown is left out, not shown as a bare "?"', () => {
    expect(chars(renderScreen('unreachable', emptyModel(), g20)).lines).toEqual(['No master           ', '                    ', 'no answer yet       ', '                    ']);
    expect(chars(renderScreen('unreachable', emptyModel(), g16)).lines).toEqual(['No master       ', 'no answer yet   ']);
  });

  describe.each([
    ['20x4', g20],
    ['16x2', g16],
  ] as const)('names cut at %s keep what tells them apart', (_size, g) => {
    const first = g.kind === 'chars' && g.rows >= 4 ? 1 : 0;
    const agentRows = (file: string): string[] => {
      const model = fullModel({ snapshot: fixtureSnapshot(file) });
      const rows: string[] = [];
      for (let page = 0; page < pagesOf('agents', model, g); page++) {
        const lines = chars(renderScreen('agents', model, g, { page })).lines.slice(first);
        // Names on one page are told apart by their first word.
        const names = lines.map((l) => l.split(' ')[0]).filter(Boolean);
        expect(new Set(names).size).toBe(names.length);
        rows.push(...names);
      }
      return rows;
    };

    it('the six dcos-ui agents (srvN.hw.ca1.mesosphere.com), each row its own', () => {
      expect(agentRows('master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json').sort()).toEqual(['srv2', 'srv3', 'srv4', 'srv5', 'srv6', 'srv7']);
    });

    it('EC2 agents sharing "ip-172-31-" show what differs, after the cut mark', () => {
      expect(agentRows('master-state__v1.1.0_2agents_custom-executor-uri__huawei-cloudfederation-common.json')).toEqual(['…7-100', '…44-22']);
    });

    it('agents named alike with a number (the simulator\'s agent-N) keep the number', () => {
      const snap = fixtureSnapshot();
      const agent = snap.agentList[0];
      const model = fullModel({ snapshot: { ...snap, agentList: [1, 2, 3].map((n) => ({ ...agent, hostname: `agent-longer-name-${n}` })) } });
      const lines = chars(renderScreen('agents', model, g)).lines.slice(first);
      expect(lines.map((l) => l.split(' ')[0]).filter(Boolean)).toEqual(['…1', '…2', '…3'].slice(0, first ? 3 : 2));
    });
  });

  it('a leader cut to fit keeps the end of its address, and its port when that is not 5050', () => {
    const dcos = fixtureSnapshot('master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json');
    expect(chars(renderScreen('overview', fullModel({ snapshot: dcos }), g20)).lines[0]).toBe('…0.15   6/6ag 131run');
    const sim = fullModel({ snapshot: { ...dcos, leader: '127.0.0.1:36965' } });
    expect(chars(renderScreen('overview', sim, g20)).lines[0]).toBe('…36965  6/6ag 131run');
  });

  it('unreachable: which master, since when, the error', () => {
    expect(chars(renderScreen('unreachable', down(), g20)).lines).toEqual(['No master      2m05s', '10.0.0.2:5050       ', 'connect ECONNREFUSED', '10.0.0.2:5050       ']);
  });

  it('pi: digits, progress, rate, tasks and ETA; idle and problem texts', () => {
    expect(chars(renderScreen('pi', fullModel(), g20)).lines).toEqual([
      'π3.14159265358979323',
      'raw 3.14159265      ',
      // 12.3% of an 8-cell bar is 4.9 fifths: one full cell
      `${PARTIAL_CELLS[4]}         12% 1.2G/s`,
      '3r 112ok 1f   11m50s',
    ]);
    expect(text(renderScreen('pi', MODELS.idle(), g20))).toContain('Hold the button');
    expect(text(renderScreen('pi', MODELS.idle(), g16))).toBe('π: hold button  \nto start        ');
    expect(text(renderScreen('pi', MODELS.problem(), g20))).toMatch(/^π: problem.*\nmaster refused/);
    expect(text(renderScreen('pi', emptyModel(), g16))).toBe('π: off          \nnot configured  ');
  });

  it('boot and message', () => {
    expect(chars(renderScreen('boot', emptyModel(), g20, { version: '0.1.0' })).lines).toEqual(['mesos-panel   v0.1.0', 'no address          ', 'waiting for master  ', '?                   ']);
    expect(chars(renderScreen('message', emptyModel(), g16, { message: 'halted' })).lines).toEqual(['     halted     ', '                ']);
  });

  it('the banner replaces the middle and the hold bar fills the last row', () => {
    const lines = chars(renderScreen('overview', MODELS.overlay(), g20)).lines;
    expect(lines[1]).toBe('hold again to reset ');
    expect(lines[3]).toBe(`HOLD ${PARTIAL_CELLS[4].repeat(7)}${PARTIAL_CELLS[2]}       `);
  });
});

describe('pixel screens', () => {
  const g = geometryOf('128x64');
  const { small, medium } = fonts();

  it('overview bars fill in proportion to use', () => {
    const model = fullModel();
    const b = bitmap(renderScreen('overview', model, g));
    // Find the CPU bar: its top border is the first long run of lit pixels right of the "CPU" label.
    const label = findText(b, 'CPU', small)!;
    expect(label).not.toBeNull();
    const run = (x: number, y: number): number => {
      let n = 0;
      while (x + n < b.width && b.pixels[y * b.width + x + n] === 1) n++;
      return n;
    };
    let x0 = label.x + small.width('CPU');
    let top = -1;
    for (; x0 < b.width && top < 0; x0++) for (let y = label.y - 3; y < label.y + 8 && top < 0; y++) if (run(x0, y) > 10) top = y;
    x0--;
    const inner = run(x0, top) - 2;
    const solid = run(x0 + 1, top + 3);
    const cpu = model.snapshot!.cpus;
    expect(solid).toBe(Math.round((cpu.used / cpu.total) * inner));
  });

  it('counts frameworks the same way on the overview and the frameworks screen: a disconnected one counts', () => {
    const s = fixtureSnapshot();
    const model = fullModel({ snapshot: { ...s, frameworks: { active: 0, registered: 1 }, frameworkList: s.frameworkList.map((f) => ({ ...f, active: false })) } });
    expect(findText(bitmap(renderScreen('overview', model, g)), '1 fw', small)).not.toBeNull();
    expect(findText(bitmap(renderScreen('frameworks', model, g)), 'FRAMEWORKS 1', small)).not.toBeNull();
  });

  it('shows placeholders for unknown values and the values it knows', () => {
    expect(findText(bitmap(renderScreen('overview', emptyModel(), g)), '?/?', medium)).not.toBeNull();
    expect(findText(bitmap(renderScreen('overview', fullModel(), g)), '0.6/4', medium)).not.toBeNull();
    expect(findText(bitmap(renderScreen('host', fullModel(), g)), '192.168.1.20', small)).not.toBeNull();
    expect(findText(bitmap(renderScreen('host', fullModel(), g)), '48.3°C', medium)).not.toBeNull();
    expect(findText(bitmap(renderScreen('unreachable', down(), g)), '2m 05s', small)).not.toBeNull();
    expect(findText(bitmap(renderScreen('pi', fullModel(), g)), 'ETA 11m 50s', small)).not.toBeNull();
    expect(findText(bitmap(renderScreen('pi', MODELS.idle(), g)), 'hold button', medium)).not.toBeNull();
  });

  it('the burn-in offset moves the whole image', () => {
    const a = bitmap(renderScreen('host', fullModel(), g));
    const b = bitmap(renderScreen('host', fullModel(), g, { offset: { x: 2, y: -1 } }));
    expect(litCount(a)).toBe(litCount(b));
    for (let y = 1; y < 64; y++) for (let x = 0; x < 126; x++) expect(b.pixels[(y - 1) * 128 + x + 2]).toBe(a.pixels[y * 128 + x]);
  });

  it('the hold bar fills along the bottom in proportion', () => {
    const b = bitmap(renderScreen('overview', fullModel({ ui: { holdProgress: 0.25, banner: null } }), g));
    const y = 64 - SHIFT_MARGIN.y - 4;
    const row = Array.from(b.pixels.slice(y * 128, y * 128 + 128));
    const inner = 128 - 2 * SHIFT_MARGIN.x - 2;
    expect(row.filter((p) => p === 1).length).toBe(2 + Math.round(0.25 * inner));
  });

  it('unknown screen names are refused with the list of names', () => {
    expect(() => renderScreen('nope' as never, fullModel(), g)).toThrow(/unknown screen "nope"; use one of overview, agents/);
  });
});
