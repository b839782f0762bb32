/**
 * The decisions list: facets offered as choices with their counts (from GET /v1/stats), a
 * confidence range, an absolute period, a sort, the total the filter matches; the whole filter in
 * the URL, so a view can be shared. One page at a time (50 a page).
 */
import { get } from '../api.js';
import type { LogInfo } from '../api.js';
import type { DecisionListPage, StatsView } from '@docket/protocol/wire';
import { h, replace } from '../dom.js';
import { formatAgo, formatCount, formatPercent, formatTime, shorten } from '../format.js';
import { outcomeWithFinal } from '../outcome.js';
import type { PageContext } from '../page.js';
import { navigate } from '../router.js';
import { canSeeContent } from '../session.js';
import { errorBox, notice } from '../ui.js';

type Item = DecisionListPage['items'][number];

/** Facets: URL/API parameter, label, `group_by` dimension of GET /v1/stats. */
const FACETS = [
  ['agent', 'Agent', 'agent'],
  ['agentVersion', 'Agent version', 'version'],
  ['action', 'Outcome', 'outcome'],
  ['model', 'Model', 'model'],
  ['promptVersion', 'Prompt version', 'prompt_version'],
  ['policyVersion', 'Policy version', 'policy_version'],
  ['overridden', 'Overridden', 'overridden'],
  ['erased', 'Erased', 'erased'],
] as const;

/** Free filters: parameter, label, placeholder, input type. */
const INPUTS = [
  ['q', 'Text', 'Words in the goal or reasoning', 'search'],
  ['subject', 'Subject id', "The producer's id", 'text'],
  ['runId', 'Run id', 'Orchestrator run', 'text'],
  ['traceId', 'Trace id', 'W3C trace id', 'text'],
  ['sessionId', 'Session id', 'Agent session', 'text'],
  ['minConfidence', 'Confidence from', '0–1', 'number'],
  ['maxConfidence', 'Confidence to', '0–1', 'number'],
  ['since', 'From (UTC)', '', 'datetime-local'],
  ['until', 'Before (UTC)', '', 'datetime-local'],
] as const;

/** Filters that search a decision's content: for content roles only. */
const CONTENT_FILTERS: ReadonlySet<string> = new Set(['q', 'subject']);

const SORTS = [
  ['newest', 'Newest first'],
  ['oldest', 'Oldest first'],
  ['confidence_desc', 'Highest confidence first'],
  ['confidence_asc', 'Lowest confidence first'],
] as const;

const PAGE_SIZE = 50;
const FILTER_NAMES = [
  ...FACETS.map(([name]) => name),
  ...INPUTS.map(([name]) => name),
  'parentId',
] as const;

/**
 * The API filter of the page's URL (no sort, cursor or limit). Dates in the URL are UTC
 * `YYYY-MM-DDTHH:MM` (what a date-time field holds), sent as RFC 3339.
 */
function apiFilter(url: URL, without?: string): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    if (name === without) continue;
    const value = url.searchParams.get(name)?.trim();
    if (value === undefined || value === '') continue;
    if (name === 'since' || name === 'until') {
      const t = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
      if (!Number.isNaN(t.getTime())) query.set(name, t.toISOString());
    } else query.set(name, value);
  }
  return query;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const rec = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;

function row(item: Item): HTMLElement {
  const c = item.content;
  const subject = rec(c?.['subject']);
  const goal = str(c?.['goal']);
  const s = item.summary;
  const href = `/ui/decisions/${encodeURIComponent(item.id)}`;
  const title = item.erased
    ? 'Erased decision'
    : item.withheld
      ? `${s?.agent ?? 'Decision'} · ${s?.outcome ?? ''} (about a person)`
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
          ? h('span', { class: 'muted small' }, ' (Content withheld: needs an auditor key)')
          : null,
    ),
    h(
      'td',
      { 'data-label': 'When' },
      h('time', { datetime: item.ts, title: formatAgo(item.ts) }, formatTime(item.ts)),
    ),
    h(
      'td',
      { 'data-label': 'Agent' },
      s?.agent === null || s === undefined ? '—' : `${s.agent} ${s.version ?? ''}`,
    ),
    h('td', { 'data-label': 'Outcome' }, outcomeWithFinal(s?.outcome ?? null, item.final)),
    h(
      'td',
      { 'data-label': 'Confidence', class: 'num' },
      typeof s?.confidence === 'number' ? formatPercent(s.confidence) : '—',
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

/** The label of a facet value: booleans as yes/no, none as "(none)". */
const valueLabel = (dim: string, value: string | null, agent?: string | null): string =>
  value === null
    ? '(none)'
    : dim === 'overridden' || dim === 'erased'
      ? value === 'true'
        ? 'yes'
        : 'no'
      : dim === 'version' && agent !== undefined && agent !== null
        ? `${value} (${agent})`
        : value;

/** A facet as a choice: each value with its count under the other filters. */
function facetSelect(
  name: string,
  label: string,
  dim: string,
  stats: StatsView | undefined,
  selected: string,
): HTMLElement {
  const counts = stats?.groups[dim] ?? [];
  // The same version of two agents is one choice (the filter is by version).
  const merged = new Map<string, { count: number; label: string }>();
  for (const c of counts) {
    if (c.value === null) continue;
    const seen = merged.get(c.value);
    merged.set(c.value, {
      count: (seen?.count ?? 0) + c.count,
      label: seen === undefined ? valueLabel(dim, c.value, c.agent) : valueLabel(dim, c.value),
    });
  }
  if (selected !== '' && !merged.has(selected)) merged.set(selected, { count: 0, label: selected });
  return h(
    'div',
    { class: `field field-${name}` },
    h('label', { for: `f-${name}` }, label),
    h(
      'select',
      { id: `f-${name}`, name, 'data-facet': dim },
      h('option', { value: '' }, `Any (${formatCount(stats?.total ?? 0)})`),
      [...merged].map(([value, c]) =>
        h(
          'option',
          { value, 'data-count': c.count, ...(value === selected ? { selected: true } : {}) },
          `${c.label} (${formatCount(c.count)})`,
        ),
      ),
    ),
  );
}

/**
 * Renders the decisions list for the URL's filters, sort and cursor.
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
  const inputs = INPUTS.filter(([name]) => content || !CONTENT_FILTERS.has(name));
  replace(
    main,
    h('h1', { tabindex: '-1' }, 'Decisions'),
    h('p', { class: 'muted', 'aria-busy': 'true' }, 'Loading decisions…'),
  );

  // Each facet's counts under the other filters (its own left out), so every choice is offered.
  const sort = url.searchParams.get('sort') ?? 'newest';
  const listQuery = apiFilter(url);
  listQuery.set('limit', String(PAGE_SIZE));
  if (sort !== 'newest') listQuery.set('sort', sort);
  const cursor = url.searchParams.get('cursor');
  if (cursor !== null) listQuery.set('cursor', cursor);
  let page: DecisionListPage;
  let facetStats: (StatsView | undefined)[];
  let log: LogInfo | undefined;
  try {
    [page, log, ...facetStats] = await Promise.all([
      get<DecisionListPage>(session, `/v1/decisions?${listQuery.toString()}`),
      get<LogInfo>(session, '/v1/log').catch(() => undefined),
      ...FACETS.map(([name, , dim]) => {
        const q = apiFilter(url, name);
        q.set('group_by', dim);
        return get<StatsView>(session, `/v1/stats?${q.toString()}`).catch(() => undefined);
      }),
    ]);
  } catch (error) {
    if (!ctx.alive()) return;
    replace(main, h('h1', { tabindex: '-1' }, 'Decisions'), errorBox(error, session));
    return;
  }
  if (!ctx.alive()) return;

  const fields = [
    ...FACETS.map(([name, label, dim], i) =>
      facetSelect(name, label, dim, facetStats[i], url.searchParams.get(name) ?? ''),
    ),
    ...inputs.map(([name, label, placeholder, type]) =>
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
          ...(type === 'number' ? { min: '0', max: '1', step: '0.01' } : {}),
          ...(type === 'search' ? { 'aria-describedby': 'q-help' } : {}),
        }),
      ),
    ),
    h(
      'div',
      { class: 'field field-sort' },
      h('label', { for: 'f-sort' }, 'Sort'),
      h(
        'select',
        { id: 'f-sort', name: 'sort' },
        SORTS.map(([value, text]) =>
          h('option', { value, ...(value === sort ? { selected: true } : {}) }, text),
        ),
      ),
    ),
  ];
  const parent = url.searchParams.get('parentId');
  const form = h(
    'form',
    {
      class: 'filters card',
      role: 'search',
      'aria-label': 'Filter decisions',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const data = new FormData(event.target as HTMLFormElement);
        const query = new URLSearchParams();
        for (const [name, value] of data) {
          if (typeof value !== 'string' || value.trim() === '') continue;
          if (name === 'sort' && value === 'newest') continue;
          query.set(name, value.trim());
        }
        navigate(`/ui/decisions${query.size > 0 ? `?${query.toString()}` : ''}`);
      },
    },
    parent === null ? null : h('input', { type: 'hidden', name: 'parentId', value: parent }),
    h('div', { class: 'filter-grid' }, fields),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply filters'),
      h('a', { href: '/ui/decisions', class: 'button' }, 'Clear filters'),
      h(
        'span',
        { id: 'q-help', class: 'help' },
        'Every filter must match; text words must all occur. The numbers are decisions per choice under the other filters. Times are UTC.',
      ),
    ),
  );

  const total = page.total ?? page.items.length;
  const filtered = [...apiFilter(url).keys()].length > 0;
  const next = new URL(url);
  if (page.next !== null) next.searchParams.set('cursor', page.next);
  const first = new URL(url);
  first.searchParams.delete('cursor');
  const withheld = page.items.filter((i) => i.withheld).length;
  const results =
    page.items.length === 0
      ? h(
          'section',
          { 'aria-labelledby': 'results-heading' },
          h('h2', { id: 'results-heading', class: 'visually-hidden' }, 'Results'),
          filtered || cursor !== null
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
        )
      : h(
          'section',
          { 'aria-labelledby': 'results-heading' },
          h(
            'div',
            { class: 'results-head' },
            h('h2', { id: 'results-heading' }, 'Results'),
            h(
              'p',
              { class: 'muted', id: 'results-count', 'aria-live': 'polite' },
              h('strong', { 'data-total': total }, `${formatCount(total)} decisions match`),
              ` · ${formatCount(page.items.length)} shown, ${SORTS.find(([v]) => v === sort)?.[1].toLowerCase() ?? ''}`,
              log === undefined ? '' : ` · the log holds ${formatCount(log.size)} entries`,
            ),
          ),
          withheld > 0 && !content
            ? notice(
                'warn',
                `${formatCount(withheld)} of these are about a person`,
                'A reader key sees their agent, version, outcome and time and can check their proofs, not their content. An auditor key shows it.',
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
            cursor !== null
              ? h('a', { href: first.pathname + first.search, class: 'button' }, '« First page')
              : null,
            page.next !== null
              ? h(
                  'a',
                  { href: next.pathname + next.search, class: 'button', rel: 'next' },
                  'Next page »',
                )
              : h('span', { class: 'muted' }, 'End of the list'),
          ),
        );
  replace(main, h('h1', { tabindex: '-1' }, 'Decisions'), form, results);
}
