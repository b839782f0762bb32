/**
 * Seeded randomness for the demo: the same seed and index give the same decision, id and
 * timestamps on every machine, so running the demo twice records nothing new.
 */
import { createHash } from 'node:crypto';

/**
 * A small deterministic PRNG (sfc32, seeded from SHA-256 of the seed and the parts), with the
 * helpers the scenarios need. Not for secrets: it only has to be repeatable.
 *
 * @example
 * const rng = new DemoRandom('docket-demo', 'loan', 17);
 * const score = rng.int(560, 820);
 */
export class DemoRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(...parts: readonly (string | number)[]) {
    const seed = createHash('sha256').update(parts.join('\u001f')).digest();
    this.#a = seed.readUInt32LE(0);
    this.#b = seed.readUInt32LE(4);
    this.#c = seed.readUInt32LE(8);
    this.#d = seed.readUInt32LE(12);
    // Warm up: sfc32's first outputs are still close to the seed words.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A number in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A number in [min, max), rounded to `digits` decimals. */
  real(min: number, max: number, digits = 2): number {
    return round(min + this.next() * (max - min), digits);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One element by weight: `[[value, weight], …]`. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [value, w] of items) {
      x -= w;
      if (x < 0) return value;
    }
    return items.at(-1)![0];
  }

  /** A normally distributed number (Box–Muller). */
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** `bytes` random bytes as lowercase hex (never all zero: trace ids may not be). */
  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i++) out += this.int(0, 255).toString(16).padStart(2, '0');
    return /^0+$/.test(out) ? `${out.slice(0, -1)}1` : out;
  }

  /** A random alphanumeric string of `length` (lower case and digits). */
  alnum(length: number): string {
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    for (let i = 0; i < length; i++) out += chars.charAt(this.int(0, chars.length - 1));
    return out;
  }
}

/** Rounds to `digits` decimals. */
export const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Clamps `x` to [min, max]. */
export const clamp = (x: number, min: number, max: number): number =>
  Math.min(max, Math.max(min, x));

/**
 * A UUIDv7 (RFC 9562) for time `ms` whose other 74 bits come from SHA-256 of `parts`: the same
 * inputs always give the same id, which is what makes the demo idempotent.
 *
 * @example
 * const id = demoUuidV7(Date.parse('2025-01-06T09:00:00Z'), 'docket-demo', 'decision', 0);
 */
export function demoUuidV7(ms: number, ...parts: readonly (string | number)[]): string {
  const hash = createHash('sha256').update(parts.join('\u001f')).digest();
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(ms, 0, 6);
  hash.copy(bytes, 6, 0, 10);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `sha256:` and the hex SHA-256 of a JSON value (for lineage digests and prompt hashes).
 *
 * @example
 * const digest = sha256Of({ a: 1 }); // 'sha256:…'
 */
export function sha256Of(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
