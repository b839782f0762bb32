import { ServerError } from '../errors.js';

/** Bounds on the shape of a JSON body, checked on its bytes as they arrive (before parsing). */
export interface BodyShapeLimits {
  /** Most keys in one object (`DOCKET_MAX_BODY_OBJECT_KEYS`, default 10,000). */
  readonly maxObjectKeys: number;
  /** Most values (members, items and containers) in the whole body (`DOCKET_MAX_BODY_VALUES`, default 1,000,000: a full batch of 1,000 decisions of up to 1,000 values each). */
  readonly maxValues: number;
  /** Deepest nesting of arrays and objects (the strict parser's 512): deeper is `DEPTH_EXCEEDED`, as the parser says. */
  readonly maxDepth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/**
 * Counts a JSON body's structure chunk by chunk, so a body with too many keys or values is
 * refused (`BODY_TOO_COMPLEX`; too deep: `DEPTH_EXCEEDED`) while it arrives, before `JSON.parse` and schema validation spend
 * the event loop on it: `JSON.parse` of one object with 200,000 keys takes over a second, and every
 * other request waits (threat model, "Denial of service"). Bytes, not characters: JSON's structural
 * characters are ASCII and never occur inside a multi-byte UTF-8 sequence. Malformed JSON is not
 * its concern (the parser reports it with a path).
 *
 * @example
 * const shape = new BodyShapeScanner({ maxObjectKeys: 10_000, maxValues: 1_000_000, maxDepth: 512 });
 * stream.on('data', (chunk) => shape.scan(chunk)); // throws BODY_TOO_COMPLEX
 */
export class BodyShapeScanner {
  readonly #limits: BodyShapeLimits;
  /** Keys counted in each open object; -1 for an open array. */
  readonly #open: number[] = [];
  #values = 0;
  #inString = false;
  #escaped = false;

  constructor(limits: BodyShapeLimits) {
    this.#limits = limits;
  }

  /** Scans the next chunk; throws `BODY_TOO_COMPLEX` or `DEPTH_EXCEEDED` as soon as a limit is passed. */
  scan(chunk: Uint8Array): void {
    const open = this.#open;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === BACKSLASH) this.#escaped = true;
        else if (c === QUOTE) this.#inString = false;
        continue;
      }
      switch (c) {
        case QUOTE:
          this.#inString = true;
          break;
        case LBRACE:
        case LBRACKET:
          open.push(c === LBRACE ? 0 : -1);
          if (open.length > this.#limits.maxDepth) {
            throw new ServerError(
              'DEPTH_EXCEEDED',
              `nested deeper than ${this.#limits.maxDepth} levels; the body was refused before parsing`,
              { where: '$' },
            );
          }
          this.#count();
          break;
        case RBRACE:
        case RBRACKET:
          open.pop();
          break;
        case COLON: {
          const top = open.length - 1;
          const keys = open[top];
          if (keys !== undefined && keys >= 0) {
            open[top] = keys + 1;
            if (keys + 1 > this.#limits.maxObjectKeys) {
              throw tooComplex(`an object has more than ${this.#limits.maxObjectKeys} keys`);
            }
          }
          this.#count();
          break;
        }
        case COMMA:
          this.#count();
          break;
        default:
      }
    }
  }

  #count(): void {
    if (++this.#values > this.#limits.maxValues) {
      throw tooComplex(`the body holds more than ${this.#limits.maxValues} values`);
    }
  }
}

const tooComplex = (why: string): ServerError =>
  new ServerError('BODY_TOO_COMPLEX', `${why}; the body was refused before parsing`, {
    where: '$',
  });
