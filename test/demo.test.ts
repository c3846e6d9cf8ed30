// The demo fits the terminal it finds: the panel size it picks and the lines under the panel.
import { footerLines, pickSize } from '../src/commands/demo';

describe('demo layout', () => {
  it('picks the largest panel whose readable rendering fits with the footer, and says so when it is not 128x64', () => {
    expect(pickSize({ cols: 258, rows: 68 })).toEqual({ size: '128x64', note: null });
    expect(pickSize({ cols: 130, rows: 36 })).toEqual({ size: '128x64', note: null });
    expect(pickSize({ cols: 130, rows: 35 }).size).toBe('128x32');
    expect(pickSize({ cols: 120, rows: 40 })).toEqual({
      size: '20x4',
      note: 'this terminal is 120x40: showing the 20x4 LCD (the 128x64 panel needs 130x36; --size chooses)',
    });
    expect(pickSize({ cols: 80, rows: 24 }).size).toBe('20x4');
    expect(pickSize({ cols: 20, rows: 6 }).size).toBe('16x2');
    // Not a terminal: nothing to fit, the default size.
    expect(pickSize(null)).toEqual({ size: '128x64', note: null });
  });

  it('shows the keys, the note, and the latest log lines that fit', () => {
    const log = ['first', 'second', 'third', 'fourth', 'fifth'];
    const [keys] = footerLines({ cols: 80, rows: 1 }, null, log);
    expect(keys).toMatch(/^keys: /);
    expect(footerLines({ cols: 80, rows: 4 }, null, log).slice(1)).toEqual(['third', 'fourth', 'fifth']);
    expect(footerLines({ cols: 80, rows: 4 }, 'note', log).slice(1)).toEqual(['note', 'fourth', 'fifth']);
    expect(footerLines({ cols: 80, rows: 0 }, 'note', log)).toEqual([]);
  });
});
