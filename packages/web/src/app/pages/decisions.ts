/**
 * The decisions list: filters that map one to one onto GET /v1/decisions's parameters, one page at
 * a time (cursor pagination, 50 a page), so it stays as fast on a million decisions as on ten.
 */
import { get } from '../api.js';
import type { EntryView, LogInfo } from '../api.js';
import { h, replace } from '../dom.js';
import { formatAgo, formatCount, formatPercent, formatTime, shorten } from '../format.js';
import type { PageContext } from '../page.js';
import { navigate } from '../router.js';
import { canSeeContent } from '../session.js';
import { badge, errorBox, notice } from '../ui.js';

/** Filters, as in the URL and the API (since/until: local date-time in the URL). */
const FILTERS = [
  ['q', 'Text', 'Words in the goal or reasoning', 'search'],
  ['agent', 'Agent', 'e.g. loan-approver', 'text'],
  ['agentVersion', 'Agent version', 'e.g. 2.1.0', 'text'],
  ['action', 'Outcome', 'e.g. approve, decline', 'text'],
  ['subject', 'Subject id', "The producer's id", 'text'],
  ['runId', 'Run id', 'Orchestrator run', 'text'],
  ['since', 'From', '', 'datetime-local'],
  ['until', 'Before', '', 'datetime-local'],
] as const;

/** Filters that search a decision's content: for content roles only. */
const CONTENT_FILTERS: ReadonlySet<string> = new Set(['q', 'subject']);

const PAGE_SIZE = 50;

/** The API query for the page's URL. */
function apiQuery(url: URL): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name] of FILTERS) {
    const value = url.searchParams.get(name)?.trim();
    if (value === undefined || value === '') continue;
    if (name === 'since' || name === 'until') {
      const t = new Date(value);
      if (!Number.isNaN(t.getTime())) query.set(name, t.toISOString());
    } else query.set(name, value);
  }
  const cursor = url.searchParams.get('cursor');
  if (cursor !== null) query.set('cursor', cursor);
  query.set('limit', String(PAGE_SIZE));
  return query;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;

function row(item: EntryView): HTMLElement {
  const c = item.content;
  const agent = rec(c?.['agent']);
  const outcome = rec(c?.['outcome']);
  const subject = rec(c?.['subject']);
  const confidence = c?.['confidence'];
  const goal = str(c?.['goal']);
  const href = `/ui/decisions/${encodeURIComponent(item.id)}`;
  const title = item.erased
    ? 'Erased decision'
    : item.withheld
      ? 'Content withheld'
      : (goal ?? `Decision #${formatCount(item.index)}`);
  return h(
    'tr',
    {},
    h(
      'td',
      { 'data-label': 'Decision', class: 'goal' },
      h('a', { href }, title),
      item.erased
        ? h(
            'span',
            {
              class: 'muted small',
              title: 'The subject was erased: the content is gone, the proof remains',
            },
            ' (subject erased; its proof still verifies)',
          )
        : item.withheld
          ? h('span', { class: 'muted small' }, ' (needs an auditor key)')
          : null,
    ),
    h(
      'td',
      { 'data-label': 'When' },
      h('time', { datetime: item.ts, title: formatTime(item.ts) }, formatAgo(item.ts)),
    ),
    h(
      'td',
      { 'data-label': 'Agent' },
      agent === undefined ? '—' : `${str(agent['id']) ?? '?'} ${str(agent['version']) ?? ''}`,
    ),
    h(
      'td',
      { 'data-label': 'Outcome' },
      outcome === undefined ? '—' : badge(str(outcome['action']) ?? '?', 'action'),
    ),
    h(
      'td',
      { 'data-label': 'Confidence', class: 'num' },
      typeof confidence === 'number' ? formatPercent(confidence) : '—',
    ),
    h(
      'td',
      { 'data-label': 'Subject' },
      subject !== undefined
        ? `${str(subject['type']) ?? 'subject'} ${str(subject['id']) ?? ''}`
        : item.subject !== null
          ? h(
              'span',
              { class: 'muted', title: `Pseudonym ${item.subject}` },
              `pseudonym ${shorten(item.subject)}`,
            )
          : '—',
    ),
  );
}

/**
 * Renders the decisions list for the URL's filters and cursor.
 *
 * @example
 * await decisionsPage(ctx);
 */
export async function decisionsPage(ctx: PageContext): Promise<void> {
  const { main, session, url } = ctx;
  document.title = 'Decisions · Docket';
  // Searching content (words, subject) is reading it: only content roles may (the API answers a
  // reader 403), so a reader is not offered those filters.
  const content = canSeeContent(session.role);
  const offered = FILTERS.filter(([name]) => content || !CONTENT_FILTERS.has(name));
  const fields = offered.map(([name, label, placeholder, type]) =>
    h(
      'div',
      { class: `field field-${name}` },
      h('label', { for: `f-${name}` }, label),
      h('input', {
        id: `f-${name}`,
        name,
        type,
        placeholder,
        value: url.searchParams.get(name) ?? '',
        ...(type === 'search' ? { 'aria-describedby': 'q-help' } : {}),
      }),
    ),
  );
  const form = h(
    'form',
    {
      class: 'filters card',
      role: 'search',
      'aria-label': 'Search decisions',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const data = new FormData(event.target as HTMLFormElement);
        const query = new URLSearchParams();
        for (const [name, value] of data) {
          if (typeof value === 'string' && value.trim() !== '') query.set(name, value.trim());
        }
        navigate(`/ui/decisions${query.size > 0 ? `?${query.toString()}` : ''}`);
      },
    },
    h('div', { class: 'filter-grid' }, fields),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Search'),
      h('a', { href: '/ui/decisions', class: 'button' }, 'Clear filters'),
      h(
        'span',
        { id: 'q-help', class: 'help' },
        'Every filter must match; text words must all occur.',
      ),
    ),
  );
  const results = h(
    'section',
    { 'aria-labelledby': 'results-heading', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Loading decisions…'),
  );
  replace(main, h('h1', { tabindex: '-1' }, 'Decisions'), form, results);

  const query = apiQuery(url);
  let page: { items: EntryView[]; next: string | null };
  let log: LogInfo | undefined;
  try {
    [page, log] = await Promise.all([
      get<{ items: EntryView[]; next: string | null }>(
        session,
        `/v1/decisions?${query.toString()}`,
      ),
      get<LogInfo>(session, '/v1/log').catch(() => undefined),
    ]);
  } catch (error) {
    if (!ctx.alive()) return;
    replace(results, errorBox(error, session));
    results.setAttribute('aria-busy', 'false');
    return;
  }
  if (!ctx.alive()) return;
  results.setAttribute('aria-busy', 'false');
  const filtered = [...query.keys()].some((k) => k !== 'limit' && k !== 'cursor');
  if (page.items.length === 0) {
    replace(
      results,
      h('h2', { id: 'results-heading', class: 'visually-hidden' }, 'Results'),
      filtered || url.searchParams.has('cursor')
        ? notice(
            'info',
            'No decisions match',
            'Loosen a filter or ',
            h('a', { href: '/ui/decisions' }, 'clear them all'),
            '.',
          )
        : notice(
            'info',
            'No decisions recorded yet',
            'Record some with the SDK, or run ',
            h('code', {}, 'npx docket demo'),
            ' to record realistic sample decisions, then reload.',
          ),
    );
    return;
  }
  const withheld = page.items.filter((i) => i.withheld).length;
  const next = new URL(url);
  if (page.next !== null) next.searchParams.set('cursor', page.next);
  const newest = new URL(url);
  newest.searchParams.delete('cursor');
  replace(
    results,
    h(
      'div',
      { class: 'results-head' },
      h(
        'h2',
        { id: 'results-heading' },
        url.searchParams.has('cursor') ? 'Older decisions' : 'Newest decisions',
      ),
      h(
        'p',
        { class: 'muted' },
        `${formatCount(page.items.length)} shown, newest first`,
        log === undefined ? '' : ` · the log holds ${formatCount(log.size)} entries`,
      ),
    ),
    withheld > 0 && !canSeeContent(session.role)
      ? notice(
          'warn',
          `${formatCount(withheld)} of these are about a person`,
          'A reader key sees that they exist and can check their proofs, not their content. An auditor key shows it.',
        )
      : null,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'decisions' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Decision', 'When', 'Agent', 'Outcome', 'Confidence', 'Subject'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h('tbody', {}, page.items.map(row)),
      ),
    ),
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages' },
      url.searchParams.has('cursor')
        ? h('a', { href: newest.pathname + newest.search, class: 'button' }, '« Newest')
        : null,
      page.next !== null
        ? h('a', { href: next.pathname + next.search, class: 'button', rel: 'next' }, 'Older »')
        : h('span', { class: 'muted' }, 'End of the list'),
    ),
  );
}
