/** Pieces the pages share: error and empty states, definition lists, the JSON tree, badges. */
import { ApiError } from './api.js';
import { h } from './dom.js';
import type { Child } from './dom.js';
import type { Session } from './session.js';

/**
 * An error as a block that says what happened and what to do next.
 *
 * @example
 * main.append(errorBox(error, session));
 */
export function errorBox(error: unknown, session?: Session): HTMLElement {
  let title = 'Something went wrong';
  let next: Child = 'Reload the page; if it keeps failing, the server log has the details.';
  let detail = error instanceof Error ? error.message : String(error);
  if (error instanceof ApiError) {
    switch (error.status) {
      case 0:
        title = 'The server did not answer';
        next = 'Check that `docket serve` is running, then reload.';
        break;
      case 401:
        title = 'Your key was not accepted';
        next = [
          'It may have been revoked or mistyped. ',
          h('a', { href: '/ui/signin' }, 'Sign in again'),
          '.',
        ];
        break;
      case 403:
        title = 'Your key may not see this';
        next = [
          `You are signed in with ${article(session?.role ?? 'other')} ${session?.role ?? ''} key. This needs an auditor or admin key: ask an admin for one (\`docket keys create --role auditor\`), then `,
          h('a', { href: '/ui/signin' }, 'sign in with it'),
          '.',
        ];
        break;
      case 404:
        title = 'Not found';
        next = [
          'It does not exist in your tenant. ',
          h('a', { href: '/ui/decisions' }, 'Search the decisions'),
          '.',
        ];
        break;
      case 400:
        title = 'The server refused the request';
        next = 'Correct the field named below and try again.';
        detail = `${error.message}${error.where === undefined ? '' : ` (at ${error.where})`}`;
        break;
      case 429:
      case 503:
        title = 'The server is busy or starting';
        next = 'Wait a moment and reload.';
        break;
      default:
        break;
    }
  }
  return h(
    'div',
    { class: 'notice error', role: 'alert' },
    h('h2', {}, title),
    h('p', {}, detail),
    h('p', {}, next),
  );
}

const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/**
 * A notice block (info or warning).
 *
 * @example
 * notice('info', 'No decisions yet', 'Run `docket demo` to record some.');
 */
export function notice(kind: 'info' | 'warn' | 'ok', title: string, ...body: Child[]): HTMLElement {
  return h('div', { class: `notice ${kind}` }, h('h2', {}, title), h('p', {}, ...body));
}

/**
 * A definition list from [term, value] pairs, skipping empty values.
 *
 * @example
 * facts([['Agent', 'loan-approver'], ['Version', '2.0.0']]);
 */
export function facts(rows: readonly (readonly [string, Child])[]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    rows
      .filter(([, v]) => v !== undefined && v !== null && v !== '' && v !== false)
      .map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
  );
}

/**
 * Monospace text that may be long (hashes, keys): wraps anywhere.
 *
 * @example
 * code(log.vkey);
 */
export function code(text: string): HTMLElement {
  return h('code', { class: 'wrap' }, text);
}

/** The SDK's redaction marker: `[REDACTED:<rule>]` (packages/sdk/src/redaction). */
const REDACTED = /\[REDACTED:([^\]]{1,200})\]/g;

/**
 * A string with each redaction marker shown as a marked badge.
 *
 * @example
 * redactedText('mail [REDACTED:email] now');
 */
export function redactedText(text: string): Child[] {
  const out: Child[] = [];
  let last = 0;
  for (const m of text.matchAll(REDACTED)) {
    out.push(text.slice(last, m.index));
    out.push(
      h(
        'mark',
        {
          class: 'redacted',
          title: `Redacted by the producer before it was sent (rule: ${m[1]!})`,
        },
        `redacted: ${m[1]!}`,
      ),
    );
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

/** How many redaction markers a value holds. */
function countRedacted(value: unknown): number {
  if (typeof value === 'string') return [...value.matchAll(REDACTED)].length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countRedacted(v), 0);
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).reduce((n: number, v) => n + countRedacted(v), 0);
  }
  return 0;
}

function scalar(value: unknown): HTMLElement {
  if (typeof value === 'string') return h('span', { class: 'v-str' }, redactedText(value));
  if (typeof value === 'number') return h('span', { class: 'v-num' }, String(value));
  if (typeof value === 'boolean') return h('span', { class: 'v-bool' }, String(value));
  return h('span', { class: 'v-null' }, 'null');
}

/**
 * A JSON value as a collapsible tree (`<details>`, so it works with the keyboard); redacted
 * values are marked, and each branch says how many redactions it holds.
 *
 * @example
 * jsonTree(record.context, { open: 2 });
 */
export function jsonTree(
  value: unknown,
  options: { open?: number; label?: string } = {},
): HTMLElement {
  const depthOpen = options.open ?? 1;
  const node = (key: string | undefined, v: unknown, depth: number): HTMLElement => {
    const label = key === undefined ? [] : [h('span', { class: 'k' }, key), ': '];
    if (typeof v !== 'object' || v === null) return h('li', {}, label, scalar(v));
    const entries = Array.isArray(v)
      ? v.map((item, i) => [String(i), item] as const)
      : Object.entries(v as Record<string, unknown>);
    const redactions = countRedacted(v);
    const summary = h(
      'summary',
      {},
      label,
      h(
        'span',
        { class: 'muted' },
        Array.isArray(v)
          ? `[${entries.length} ${entries.length === 1 ? 'item' : 'items'}]`
          : `{${entries.length} ${entries.length === 1 ? 'field' : 'fields'}}`,
      ),
      redactions > 0
        ? h('span', { class: 'badge redacted-count' }, `${redactions} redacted`)
        : null,
    );
    return h(
      'li',
      {},
      h(
        'details',
        { open: depth < depthOpen },
        summary,
        h(
          'ul',
          {},
          entries.map(([k, item]) => node(k, item, depth + 1)),
        ),
      ),
    );
  };
  return h(
    'ul',
    { class: 'tree', ...(options.label === undefined ? {} : { 'aria-label': options.label }) },
    node(undefined, value, 0),
  );
}

/**
 * A small label.
 *
 * @example
 * badge('approve', 'action');
 */
export function badge(text: string, kind = ''): HTMLElement {
  return h('span', { class: `badge ${kind}` }, text);
}
