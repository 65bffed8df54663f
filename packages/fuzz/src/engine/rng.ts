/** xorshift128+ on two u32 halves: a fast, seeded source for mutations (not for anything secret). */
export class Rng {
  private a: number;
  private b: number;

  constructor(seed: number) {
    this.a = (seed ^ 0x9e3779b9) >>> 0 || 1;
    this.b = (Math.imul(seed, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0 || 2;
    for (let i = 0; i < 8; i++) this.u32();
  }

  u32(): number {
    let x = this.a;
    const y = this.b;
    this.a = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    this.b = x >>> 0;
    return (this.a + this.b) >>> 0;
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : this.u32() % n;
  }

  chance(oneIn: number): boolean {
    return this.below(oneIn) === 0;
  }
}
