// floor(N / q) by a reciprocal of q from Newton's iteration and products, the alternative to V8's BigInt
// division for the exact kernel's floor(p·2^P / q), measured beside it in bench/digits.ts. No `run`
// export, so bench/index.ts does not take it for an area.

const bitLength = (x: bigint): number => {
  const hex = x.toString(16);
  return 4 * hex.length - (Math.clz32(parseInt(hex[0], 16)) - 28);
};

/** The top `b` bits of the n-bit q, or q·2^(b−n) when b > n: q scaled to b bits. */
const scaled = (q: bigint, n: number, b: number): bigint => (b <= n ? q >> BigInt(n - b) : q << BigInt(b - n));

/**
 * R ≈ 2^(2b) / scaled(q, n, b) for b ≥ `bits`: exact division at 50 bits, then Newton's step
 * R ← R + R·(2^(2b) − QR) / 2^(2b), which doubles the correct bits, at each doubled precision.
 */
function reciprocal(q: bigint, n: number, bits: number): { r: bigint; b: number } {
  let b = 50;
  let r = (1n << BigInt(2 * b)) / scaled(q, n, b);
  while (b < bits) {
    const next = Math.min(2 * b, bits);
    r <<= BigInt(next - b);
    const k = BigInt(2 * next);
    r += (r * ((1n << k) - scaled(q, n, next) * r)) >> k;
    b = next;
  }
  return { r, b };
}

/** floor(N / q) for positive N and q, from a reciprocal 8 bits longer than the quotient, corrected exactly. */
export function newtonDivide(N: bigint, q: bigint): bigint {
  const n = bitLength(q);
  const nb = bitLength(N);
  const { r, b } = reciprocal(q, n, nb - n + 9);
  const drop = Math.max(0, nb - b - 2);
  let x = ((N >> BigInt(drop)) * r) >> BigInt(b + n - drop);
  let rest = N - x * q;
  for (let i = 0; rest < 0n || rest >= q; i++) {
    if (i > 4) throw new Error('the Newton reciprocal is off');
    const down = rest < 0n;
    x += down ? -1n : 1n;
    rest += down ? q : -q;
  }
  return x;
}
