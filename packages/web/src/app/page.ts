/** What each page of the UI is given. */
import type { Session } from './session.js';

/**
 * A page's context: where to draw, as whom, for which address.
 *
 * @example
 * export async function ledgerPage(ctx: PageContext): Promise<void> { … }
 */
export interface PageContext {
  readonly main: HTMLElement;
  readonly session: Session;
  readonly url: URL;
  /** False once the user navigated elsewhere: a slow page must not draw over the next one. */
  readonly alive: () => boolean;
}
