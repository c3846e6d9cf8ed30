// The checks a control request passes before it presses: the body's shape, the MAC, the origin, the nonce
// window and the token bucket, each on its own with a hand-driven clock.
import { createHmac } from 'node:crypto';
import { crossOrigin, macMatches, macOf, NonceWindow, parseSigned, TokenBucket, type Signed } from '../../src/web/control-auth';

const SECRET = 'correct-horse-battery-staple';
const NONCE = 'abcdefABCDEF0123456789';

describe('the body of a press', () => {
  test('a whole signed body is read as it is', () => {
    const mac = 'a'.repeat(64);
    expect(parseSigned(JSON.stringify({ t: 1_700_000_000_000, nonce: NONCE, mac }))).toEqual({ t: 1_700_000_000_000, nonce: NONCE, mac });
  });

  test('no MAC at all is "missing" (401); a malformed one says what is wrong (400)', () => {
    expect(parseSigned('')).toBe('missing');
    expect(parseSigned('{"t": 1, "nonce": "x"}')).toBe('missing');
    expect(parseSigned('{not json')).toMatch(/^the body is not JSON/);
    expect(parseSigned('[1]')).toMatch(/^the body must be a JSON object/);
    expect(parseSigned(JSON.stringify({ t: 1, nonce: NONCE, mac: 'A'.repeat(64) }))).toMatch(/^mac must be 64 lowercase hex/);
    expect(parseSigned(JSON.stringify({ t: 1, nonce: 'short', mac: 'a'.repeat(64) }))).toMatch(/^nonce must be/);
    expect(parseSigned(JSON.stringify({ t: 1, nonce: 'a/b'.repeat(8), mac: 'a'.repeat(64) }))).toMatch(/^nonce must be/);
    expect(parseSigned(JSON.stringify({ t: '1', nonce: NONCE, mac: 'a'.repeat(64) }))).toMatch(/^t must be/);
    expect(parseSigned(JSON.stringify({ t: 1.5, nonce: NONCE, mac: 'a'.repeat(64) }))).toMatch(/^t must be/);
  });
});

describe('the MAC', () => {
  const t = 1_700_000_000_000;
  const signed = (mac: string): Signed => ({ t, nonce: NONCE, mac });

  test('is HMAC-SHA256 of the action, the time and the nonce, with the secret as key', () => {
    const expected = createHmac('sha256', SECRET).update(`mesos-panel control\nnext\n${t}\n${NONCE}`).digest('hex');
    expect(macOf(SECRET, 'next', t, NONCE)).toBe(expected);
    expect(macMatches(SECRET, 'next', signed(expected))).toBe(true);
  });

  test('made with another secret, for another action, time or nonce, it does not match', () => {
    const mac = macOf(SECRET, 'next', t, NONCE);
    expect(macMatches(`${SECRET}x`, 'next', signed(mac))).toBe(false);
    expect(macMatches(SECRET, 'reset', signed(mac))).toBe(false);
    expect(macMatches(SECRET, 'next', { t: t + 1, nonce: NONCE, mac })).toBe(false);
    expect(macMatches(SECRET, 'next', { t, nonce: `${NONCE}0`, mac })).toBe(false);
    expect(macMatches(SECRET, 'next', signed('0'.repeat(64)))).toBe(false);
  });
});

describe('the origin', () => {
  test('the panel\'s own page, or no browser at all, may press', () => {
    expect(crossOrigin({ host: 'pi:5055', origin: 'http://pi:5055', 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(crossOrigin({ host: 'pi:5055', origin: 'https://pi:5055' })).toBeNull();
    expect(crossOrigin({ host: 'pi:5055' })).toBeNull();
  });

  test('another site, another port, a sandboxed page or a cross-site fetch may not', () => {
    expect(crossOrigin({ host: 'pi:5055', origin: 'http://evil.example' })).toMatch(/Origin http:\/\/evil\.example is not this panel \(pi:5055\)/);
    expect(crossOrigin({ host: 'pi:5055', origin: 'http://pi:8080' })).not.toBeNull();
    expect(crossOrigin({ host: 'pi:5055', origin: 'null' })).toMatch(/is not an origin/);
    expect(crossOrigin({ host: 'pi:5055', origin: 'file://pi:5055' })).not.toBeNull();
    expect(crossOrigin({ origin: 'http://pi:5055' })).toMatch(/no Host/);
    expect(crossOrigin({ host: 'pi:5055', 'sec-fetch-site': 'cross-site' })).toBe('Sec-Fetch-Site is cross-site');
    expect(crossOrigin({ host: 'pi:5055', origin: 'http://pi:5055', 'sec-fetch-site': 'same-site' })).toBe('Sec-Fetch-Site is same-site');
  });
});

describe('the nonce window', () => {
  test('a nonce is used once; a time outside the window is stale, and a nonce is forgotten only after two windows', () => {
    let now = 1_000_000;
    const w = new NonceWindow(30_000, () => now);
    expect(w.use({ t: now, nonce: NONCE })).toBe('fresh');
    expect(w.use({ t: now, nonce: NONCE })).toBe('replayed');
    expect(w.use({ t: now - 30_001, nonce: 'b'.repeat(16) })).toBe('stale');
    expect(w.use({ t: now + 30_001, nonce: 'c'.repeat(16) })).toBe('stale');
    // Signed for the far end of the window, the same request would still be fresh 59 s after it first came.
    const late = { t: now + 30_000, nonce: 'd'.repeat(16) };
    expect(w.use(late)).toBe('fresh');
    now += 59_999;
    expect(w.use(late)).toBe('replayed');
    expect(w.size).toBe(2);
    now += 2;
    expect(w.use(late)).toBe('stale');
    expect(w.size).toBe(0);
  });
});

describe('the token bucket', () => {
  test('a burst passes, the rest is refused at once, and tokens come back with time', () => {
    let now = 0;
    const b = new TokenBucket(4, 500, () => now);
    expect([1, 2, 3, 4, 5, 6].map(() => b.take())).toEqual([true, true, true, true, false, false]);
    expect(b.retryAfterSeconds()).toBe(1);
    now += 499;
    expect(b.take()).toBe(false);
    now += 2;
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    now += 10_000;
    expect([1, 2, 3, 4, 5].map(() => b.take())).toEqual([true, true, true, true, false]);
  });
});
