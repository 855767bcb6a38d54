/**
 * A seeded Gaussian source that reproduces PyTorch's CPU generator: mt19937 seeded like `torch.manual_seed(seed)`
 * and `torch.randn`'s two fill paths (the 16-wide Box-Muller used for float tensors of 16+ elements, and the cached
 * scalar Box-Muller for smaller ones). So the same seed gives the starting noise a diffusers user gets with
 * `generator=torch.Generator("cpu").manual_seed(seed)`, up to float rounding of log/sin/cos (~1e-6).
 * Everything random in a pipeline (initial latents, ancestral noise, LCM noise) draws from one generator in the
 * order diffusers does, which also makes the output byte-identical for a given seed.
 */

const N = 624;
const M = 397;

export class TorchGenerator {
  private readonly mt = new Uint32Array(N);
  private index = N;
  private cachedNormal: number | undefined;

  constructor(seed: number) {
    // torch uses the low 32 bits of the seed for mt19937's init_genrand.
    this.mt[0] = Number(BigInt.asUintN(32, BigInt(Math.trunc(seed))));
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** Next raw 32-bit output of mt19937. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** torch's uniform_real_distribution<float>: 24 random bits scaled to [0, 1). */
  uniformFloat(): number {
    return (this.nextUint32() & 0xffffff) / 0x1000000;
  }

  /** torch's uniform_real_distribution<double>: 53 bits of random64() (first draw is the high word). */
  uniformDouble(): number {
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    const bits = ((BigInt(hi) << 32n) | BigInt(lo)) & ((1n << 53n) - 1n);
    return Number(bits) / 2 ** 53;
  }

  /** `torch.randn(size)` for a float32 tensor with this many elements. */
  randn(size: number): Float32Array {
    const out = new Float32Array(size);
    if (size >= 16) {
      for (let i = 0; i < size; i++) out[i] = this.uniformFloat();
      for (let i = 0; i + 16 <= size; i += 16) boxMuller16(out, i);
      if (size % 16 !== 0) {
        // torch recomputes the last 16 values from fresh draws.
        const start = size - 16;
        for (let i = 0; i < 16; i++) out[start + i] = this.uniformFloat();
        boxMuller16(out, start);
      }
      return out;
    }
    for (let i = 0; i < size; i++) out[i] = this.scalarNormal();
    return out;
  }

  private scalarNormal(): number {
    if (this.cachedNormal !== undefined) {
      const v = this.cachedNormal;
      this.cachedNormal = undefined;
      return v;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      let v = mt[(i + M) % N] ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    this.index = 0;
  }
}

function boxMuller16(data: Float32Array, offset: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - data[offset + j];
    const u2 = data[offset + j + 8];
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    data[offset + j] = radius * Math.cos(theta);
    data[offset + j + 8] = radius * Math.sin(theta);
  }
}
