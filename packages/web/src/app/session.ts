/**
 * The signed-in key, kept in sessionStorage (this tab only, gone when it closes), and what its role
 * may see. The role is learned at sign-in by asking the API (it enforces the same rules).
 */

/** API key roles (as the server names them). */
export type Role = 'ingest' | 'reader' | 'auditor' | 'admin';

/** A signed-in key. */
export interface Session {
  readonly key: string;
  /** The key id (`dk_<id>_…`), as the access log names it. */
  readonly keyId: string;
  readonly role: Role;
  readonly tenant: string;
  /** Sent as X-Docket-Purpose with every request, recorded in the access log. */
  readonly purpose: string;
}

const STORAGE_KEY = 'docket.session';

/**
 * The current session, if any.
 *
 * @example
 * const session = loadSession();
 * if (session === undefined) navigate('/ui/signin');
 */
export function loadSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw === null ? undefined : (JSON.parse(raw) as Session);
  } catch {
    return undefined;
  }
}

/**
 * Stores the session for this tab.
 *
 * @example
 * saveSession({ key, keyId, role: 'auditor', tenant: 'default', purpose: '' });
 */
export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

/**
 * Forgets the key.
 *
 * @example
 * clearSession();
 */
export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * Whether a role may see the content of decisions about a subject, bundles and the access log.
 *
 * @example
 * if (!canSeeContent(session.role)) showWithheldNotice();
 */
export function canSeeContent(role: Role): boolean {
  return role === 'auditor' || role === 'admin';
}

/**
 * The key id of a key text, or undefined when it is not a Docket key.
 *
 * @example
 * keyIdOf('dk_abcdefghijklmnop_…'); // 'abcdefghijklmnop'
 */
export function keyIdOf(key: string): string | undefined {
  return /^dk_([a-z2-7]{16})_[A-Za-z0-9_-]{43}$/.exec(key)?.[1];
}
