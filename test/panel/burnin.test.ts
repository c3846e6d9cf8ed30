import { DEFAULT_POWER_POLICY, parseNightHours, powerState, SHIFT_PATH, type PowerPolicy } from '../../src/panel/burnin';
import { SHIFT_MARGIN } from '../../src/panel/render';

const MIN = 60_000;
const oled: PowerPolicy = { ...DEFAULT_POWER_POLICY, dimAfterMs: 10 * MIN, offAfterMs: 60 * MIN };
const at = (minutes: number) => () => minutes;

describe('burn-in and power policy', () => {
  it('swims one pixel a minute within the shift margin, visiting every offset', () => {
    const offsets = Array.from({ length: SHIFT_PATH.length }, (_, i) => powerState(oled, { now: i * MIN, lastPress: null, lastChange: 0 }).offset);
    expect(new Set(offsets.map((o) => `${o.x},${o.y}`)).size).toBe((2 * SHIFT_MARGIN.x + 1) * (2 * SHIFT_MARGIN.y + 1));
    for (let i = 1; i < offsets.length; i++) expect(Math.abs(offsets[i].x - offsets[i - 1].x) + Math.abs(offsets[i].y - offsets[i - 1].y)).toBe(1);
    expect(powerState(oled, { now: 30_000, lastPress: null, lastChange: 0 }).offset).toEqual(offsets[0]);
    expect(powerState({ ...oled, kind: 'lcd' }, { now: 5 * MIN, lastPress: null, lastChange: 0 }).offset).toEqual({ x: 0, y: 0 });
  });

  it.each([
    [0, 0, 'normal'],
    [9.9, 0, 'normal'],
    [10, 0, 'dim'],
    [59, 0, 'dim'],
    [60, 0, 'off'],
    [60, 55, 'normal'], // a change worth seeing 5 minutes ago
  ])('OLED at minute %p with the last change at %p is %p', (now, change, level) => {
    expect(powerState(oled, { now: now * MIN, lastPress: null, lastChange: change * MIN }).level).toBe(level);
  });

  it('wakes on a button press', () => {
    expect(powerState(oled, { now: 120 * MIN, lastPress: 119 * MIN, lastChange: 0 }).level).toBe('normal');
  });

  it('LCD: no dim, backlight off after the timeout', () => {
    const lcd: PowerPolicy = { ...oled, kind: 'lcd' };
    expect(powerState(lcd, { now: 30 * MIN, lastPress: null, lastChange: 0 }).level).toBe('normal');
    expect(powerState(lcd, { now: 61 * MIN, lastPress: null, lastChange: 0 }).level).toBe('off');
  });

  it('night hours across midnight blank the glass until a press, for nightWakeMs', () => {
    const night: PowerPolicy = { ...oled, nightHours: '22:00-07:00', nightWakeMs: MIN };
    const base = { now: 1000 * MIN, lastChange: 1000 * MIN, lastPress: null };
    expect(powerState(night, { ...base, localMinutes: at(23 * 60) }).level).toBe('off');
    expect(powerState(night, { ...base, localMinutes: at(3 * 60) }).level).toBe('off');
    expect(powerState(night, { ...base, localMinutes: at(7 * 60) }).level).toBe('normal');
    expect(powerState(night, { ...base, localMinutes: at(21 * 60 + 59) }).level).toBe('normal');
    expect(powerState(night, { ...base, lastPress: 1000 * MIN - 30_000, localMinutes: at(23 * 60) }).level).toBe('normal');
    expect(powerState(night, { ...base, lastPress: 1000 * MIN - 61_000, localMinutes: at(23 * 60) }).level).toBe('off');
  });

  it('a daemon that has recorded nothing yet is not idle', () => {
    expect(powerState(oled, { now: 1e12, lastPress: null, lastChange: null }).level).toBe('normal');
  });

  it('parses night hours, and rejects bad ones in one line', () => {
    expect(parseNightHours('22:00-07:00')).toEqual({ start: 1320, end: 420 });
    expect(parseNightHours(' 1:30 - 5:00 ')).toEqual({ start: 90, end: 300 });
    for (const bad of ['22-07', '25:00-07:00', '22:00-22:00', '22:60-07:00', '']) {
      expect(() => parseNightHours(bad)).toThrow(/is not a window like "22:00-07:00"/);
    }
  });
});
