import { ProgressLine, progressLine, wantsProgress } from '../../src/commands/pi-progress';
import { memoryLogger } from '../../src/log';
import type { PiView } from '../../src/pi/view';

const RUNNING: PiView = {
  state: 'running',
  problem: null,
  termsDone: 4.2e9,
  termsTotal: 1e10,
  rawDigits: '3.141592653',
  correctedDigits: '3.14159265358979323846',
  termsPerSecond: 3.1e8,
  tasks: { running: 12, finished: 40, failed: 0 },
  elapsedSeconds: 14,
  etaSeconds: 19,
};

describe('the pi command\'s progress line', () => {
  it('is drawn on a terminal only', () => {
    expect(wantsProgress({ isTTY: true })).toBe(true);
    expect(wantsProgress({ isTTY: false })).toBe(false);
    expect(wantsProgress({})).toBe(false);
  });

  it('says terms done, rate, the corrected digits so far and the ETA, within the terminal\'s width', () => {
    expect(progressLine(RUNNING, 120)).toBe('π 4.2G/10G terms 42%, 310 M/s, corrected 3.14159265358979323846, ETA 19s');
    expect(progressLine({ ...RUNNING, correctedDigits: '', etaSeconds: null }, 120)).toBe('π 4.2G/10G terms 42%, 310 M/s, corrected (none yet), ETA ?');
    expect(progressLine(RUNNING, 40)).toHaveLength(39);
  });

  it('redraws in place, and takes itself off the line around a log line and at the end', () => {
    const written: string[] = [];
    let view = RUNNING;
    const line = new ProgressLine({ isTTY: true, columns: 200, write: (t) => written.push(t) }, () => view, 60_000);
    const mem = memoryLogger();
    const log = line.around(mem).child('pi');
    line.start();
    line.draw();
    log.info('something happened');
    view = { ...RUNNING, termsDone: 5e9 };
    line.draw();
    line.stop();
    const text = progressLine(RUNNING, 200);
    expect(written).toEqual([`\r\x1b[K${text}`, '\r\x1b[K', `\r\x1b[K${text}`, `\r\x1b[K${progressLine(view, 200)}`, '\r\x1b[K']);
    expect(mem.lines).toEqual(['pi: something happened']);
  });
});
