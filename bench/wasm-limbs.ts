// A schoolbook product in WebAssembly, to measure whether limb arithmetic in WebAssembly could beat V8's
// BigInt for the exact kernel. WebAssembly (as in Node 18 to 22) has no 64×64→128-bit multiply, so a limb
// is 32 bits and a product needs four times the limb products of V8's C++ on 64-bit digits; this measures
// the best case of that, the inner loop alone. The module is written out as bytes, so nothing is needed to
// build it. No `run` export, so bench/index.ts does not take it for an area.

/** r[0..n) += a[0..n) · b, returning the carry: the multiply-add row every schoolbook product is made of. */
const ADDMUL_BODY = [
  0x03, 0x40, // loop
  0x20, 1, 0x35, 2, 0, 0x20, 3, 0x7e, // i64.load32_u(a) · b
  0x20, 0, 0x35, 2, 0, 0x7c, // + i64.load32_u(r)
  0x20, 4, 0x7c, 0x21, 5, // + carry → t (at most 2^64 − 1)
  0x20, 0, 0x20, 5, 0x3e, 2, 0, // i64.store32(r, t)
  0x20, 5, 0x42, 32, 0x88, 0x21, 4, // carry = t >> 32
  0x20, 0, 0x41, 4, 0x6a, 0x21, 0, // r += 4
  0x20, 1, 0x41, 4, 0x6a, 0x21, 1, // a += 4
  0x20, 2, 0x41, 1, 0x6b, 0x22, 2, 0x0d, 0, // br_if (--n) != 0
  0x0b, // end loop
  0x20, 4, 0x0b, // return carry
];

/** A section: id, size (every one here is under 128 bytes, one LEB128 byte), contents. */
const section = (id: number, bytes: number[]): number[] => [id, bytes.length, ...bytes];

const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // \0asm, version 1
  ...section(1, [1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7e, 1, 0x7e]), // type (i32 r, i32 a, i32 n, i64 b) → i64
  ...section(3, [1, 0]), // one function of that type
  ...section(5, [1, 0, 1]), // one memory of one page
  ...section(7, [2, 1, 0x6d, 2, 0, 1, 0x66, 0, 0]), // export "m" (memory), "f" (the function)
  ...section(10, [1, ADDMUL_BODY.length + 3, 1, 2, 0x7e, ...ADDMUL_BODY]), // its code, locals: two i64
]);

// Node's global, which the project's TypeScript libraries (no DOM) do not declare: the part used here.
declare const WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } };

interface Limbs {
  f: (r: number, a: number, n: number, b: bigint) => bigint;
  m: { buffer: ArrayBuffer };
}

/** `limbs` 32-bit limbs as a BigInt, least significant first from `at` in `u32`. */
function toBigInt(u32: Uint32Array, at: number, limbs: number): bigint {
  let x = 0n;
  for (let i = limbs - 1; i >= 0; i--) x = (x << 32n) | BigInt(u32[at + i]);
  return x;
}

/**
 * The product of two `limbs`-limb numbers by schoolbook in WebAssembly, checked against BigInt:
 * returns the operands as BigInts and a function that multiplies them again.
 */
export function wasmSchoolbook(limbs: number): { x: bigint; y: bigint; multiply: () => void } {
  const { f, m } = new WebAssembly.Instance(new WebAssembly.Module(MODULE)).exports as unknown as Limbs;
  const u32 = new Uint32Array(m.buffer);
  if (4 * limbs > u32.length) throw new RangeError(`at most ${u32.length / 4} limbs fit one page`);
  for (let i = 0; i < 2 * limbs; i++) u32[i] = Math.imul(i + 1, 0x9e3779b1) >>> 0;
  const product = 8 * limbs; // byte offset of r: after a and b, 2·limbs limbs long
  const multiply = (): void => {
    u32.fill(0, 2 * limbs, 4 * limbs);
    for (let j = 0; j < limbs; j++) u32[3 * limbs + j] = Number(f(product + 4 * j, 0, limbs, BigInt(u32[limbs + j])));
  };
  const x = toBigInt(u32, 0, limbs);
  const y = toBigInt(u32, limbs, limbs);
  multiply();
  if (toBigInt(u32, 2 * limbs, 2 * limbs) !== x * y) throw new Error('the WebAssembly product is wrong');
  return { x, y, multiply };
}
