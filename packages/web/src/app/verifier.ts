/**
 * The page's Ed25519 verifier (WebCrypto when the browser has Ed25519, else the bundled
 * @noble/ed25519 served at /ui/vendor/), and the checkpoints this browser has verified, kept per
 * log so each new checkpoint can be proved a consistent extension of the ones seen before.
 */
import { createEd25519Verifier } from '../verify/ed25519.js';
import type { Ed25519Verifier, NobleEd25519 } from '../verify/ed25519.js';

let verifier: Promise<Ed25519Verifier> | undefined;

/** A URL the type checker does not try to resolve: the server maps it to @noble/ed25519. */
const NOBLE_URL: string = '/ui/vendor/noble-ed25519.js';

/**
 * The shared verifier (made once per page).
 *
 * @example
 * const ed = await ed25519();
 */
export function ed25519(): Promise<Ed25519Verifier> {
  verifier ??= createEd25519Verifier({
    loadNoble: () => import(NOBLE_URL) as Promise<NobleEd25519>,
  });
  return verifier;
}

/** A checkpoint this browser verified. */
export interface SeenCheckpoint {
  readonly size: number;
  /** Base64 root. */
  readonly root: string;
  readonly note: string;
  /** When this browser first verified it. */
  readonly seenAt: string;
}

const MAX_SEEN = 20;
const storageKey = (origin: string, vkey: string): string => `docket.checkpoints.${origin}.${vkey}`;

/**
 * Checkpoints of a log (by origin and key) this browser verified, newest first.
 *
 * @example
 * const seen = seenCheckpoints(log.origin, log.vkey);
 */
export function seenCheckpoints(origin: string, vkey: string): SeenCheckpoint[] {
  try {
    const raw = localStorage.getItem(storageKey(origin, vkey));
    return raw === null ? [] : (JSON.parse(raw) as SeenCheckpoint[]);
  } catch {
    return [];
  }
}

/**
 * Remembers a verified checkpoint (one per size; at most 20, newest first).
 *
 * @example
 * rememberCheckpoint(log.origin, log.vkey, { size, root, note, seenAt: new Date().toISOString() });
 */
export function rememberCheckpoint(origin: string, vkey: string, c: SeenCheckpoint): void {
  const list = seenCheckpoints(origin, vkey).filter((s) => s.size !== c.size);
  list.push(c);
  list.sort((a, b) => b.size - a.size);
  try {
    localStorage.setItem(storageKey(origin, vkey), JSON.stringify(list.slice(0, MAX_SEEN)));
  } catch {
    // Storage full or disabled: the page still verifies, it just forgets.
  }
}
