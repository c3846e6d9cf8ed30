// π from Machin's formula in BigInt, independent of the code under test: the reference the digits tests and the
// chaos runs' digits jobs compare every certified decimal with.

/** The first `decimals` decimals of π as "3.1415…", by Machin's formula π = 16·atan(1/5) − 4·atan(1/239) in BigInt. */
export function machinPi(decimals: number): string {
  const guard = 10;
  const unit = 10n ** BigInt(decimals + guard);
  const atanInv = (x: bigint): bigint => {
    let power = unit / x; // unit / x^(2k+1), truncated
    let sum = 0n;
    for (let k = 1n; power !== 0n; k += 2n) {
      sum += (k % 4n === 1n ? power : -power) / k;
      power /= x * x;
    }
    return sum;
  };
  // Each truncation errs by less than one unit; a few hundred thousand of them stay far inside the guard digits.
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  const s = (pi / 10n ** BigInt(guard)).toString();
  return `${s[0]}.${s.slice(1)}`;
}
