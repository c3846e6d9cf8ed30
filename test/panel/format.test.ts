import * as f from '../../src/panel/format';

describe('format', () => {
  it.each([
    [0, '0'], [0.25, '0.25'], [3.5, '3.5'], [3, '3'], [9.96, '10'], [12, '12'], [123.4, '123'], [12345, '12k'], [NaN, '?'], [null, '?'],
  ])('num(%p) = %p', (n, s) => expect(f.num(n as number)).toBe(s));

  it.each([
    [3.5, 12, '3.5/12 CPU'], [0, 4, '0/4 CPU'], [null, 4, '?/4 CPU'],
  ])('cpus(%p, %p) = %p', (u, t, s) => expect(f.cpus(u as number, t)).toBe(s));

  it.each([
    [1228.8, 7782.4, true, '1.2/7.6 GB'],
    [100, 900, true, '100/900 MB'],
    [512, 2048, false, '0.5/2G'],
    [2 * 1024 ** 2, 3 * 1024 ** 2, true, '2/3 TB'],
    [null, 1024, true, '?/1 GB'],
  ])('bytesPair(%p, %p) = %p', (u, t, space, s) => expect(f.bytesPair(u as number, t, space)).toBe(s));

  it.each([
    [45, '45s'], [725, '12m 05s'], [3600 * 4 + 300, '4h 05m'], [3 * 86400 + 4 * 3600 + 59, '3d 4h'], [0, '0s'], [-1, '?'], [NaN, '?'], [null, '?'],
  ])('duration(%p) = %p', (s, out) => expect(f.duration(s as number)).toBe(out));

  it('age counts from then to now', () => {
    expect(f.age(1_000_000, 1_000_000 - 725_000)).toBe('12m 05s');
    expect(f.age(1000, null)).toBe('?');
  });

  it.each([
    [1.2e9, '1.2 G/s'], [850e3, '850 k/s'], [12, '12 /s'], [12.5e6, '13 M/s'], [NaN, '?/s'],
  ])('rate(%p) = %p', (r, s) => expect(f.rate(r)).toBe(s));

  it.each([
    [1e15, '1P'], [123_456_789_000, '123G'], [1500, '1.5k'], [999, '999'], [1e6, '1M'],
  ])('si(%p) = %p', (n, s) => expect(f.si(n)).toBe(s));

  it.each([
    [48.25, '48.3°C'], [null, '?'],
  ])('celsius(%p) = %p', (c, s) => expect(f.celsius(c)).toBe(s));

  it('percent, load, fraction and bytes', () => {
    expect(f.percent(0.123)).toBe('12%');
    expect(f.percent(null)).toBe('?%');
    expect(f.load(0.42)).toBe('0.42');
    expect(f.load(1.5)).toBe('1.5');
    expect(f.load(12.4)).toBe('12');
    expect(f.fraction(1, 4)).toBe(0.25);
    expect(f.fraction(1, 0)).toBeNull();
    expect(f.bytes(64)).toBe('64 MB');
    expect(f.bytes(1536, false)).toBe('1.5G');
  });
});

describe('names cut to fit a small display', () => {
  it('marks a cut with "…": a name keeps its start, an address its end from a separator on', () => {
    expect(f.cutEnd('marathon', 8)).toBe('marathon');
    expect(f.cutEnd('chronos-x', 8)).toBe('chronos…');
    expect(f.fitName('172.16.0.15', 7)).toBe('…0.15');
    expect(f.fitName('127.0.0.1:36965', 7)).toBe('…36965');
    expect(f.fitName('2001:db8::1', 7)).toBe('…db8::1');
    expect(f.fitName('mesos-master-1', 7)).toBe('mesos-…');
    expect(f.cutEnd('xy', 0)).toBe('');
  });

  it('drops the start names share, so that rows stay apart', () => {
    expect(f.distinctNames(['srv2', 'srv3'], 4)).toEqual(['srv2', 'srv3']);
    expect(f.distinctNames(['ip-172-31-7-100', 'ip-172-31-44-22'], 8)).toEqual(['…7-100', '…44-22']);
    expect(f.distinctNames(['1.2.3.10', '1.2.3.11'], 6)).toEqual(['…10', '…11']);
    expect(f.distinctNames(['agent-1', 'agent-2'], 4)).toEqual(['…1', '…2']);
    // Nothing shared: each is cut on its own, an address keeping its end.
    expect(f.distinctNames(['1.2.3.12', '2001:db8::1'], 7)).toEqual(['…2.3.12', '…db8::1']);
    // One name alone, or the same name twice: cut at the end.
    expect(f.distinctNames(['localhost-agent', 'localhost-agent'], 6)).toEqual(['local…', 'local…']);
  });
});
