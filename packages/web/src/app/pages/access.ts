/** The access log (auditor, admin): who read, listed, exported or erased what, when, and why. */
import { get } from '../api.js';
import type { AccessPage } from '../api.js';
import { h, replace } from '../dom.js';
import { formatAgo, formatCount, formatTime } from '../format.js';
import type { PageContext } from '../page.js';
import { badge, errorBox, notice } from '../ui.js';

/** What an access record says was done, in words. */
function did(action: string, count: number | undefined): string {
  const n = count === undefined ? '' : formatCount(count);
  switch (action) {
    case 'read':
      return 'read';
    case 'list':
      return count === undefined
        ? 'listed'
        : `listed ${n} ${count === 1 ? 'decision' : 'decisions'}`;
    case 'bundle':
      return count === undefined
        ? 'exported a bundle'
        : `exported a bundle (${n} ${count === 1 ? 'field' : 'fields'})`;
    case 'export':
      return count === undefined
        ? 'exported entries'
        : `exported ${n} ${count === 1 ? 'entry' : 'entries'}`;
    case 'erase':
      return count === undefined
        ? 'erased'
        : `erased (${n} ${count === 1 ? 'decision' : 'decisions'})`;
    default:
      return action;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Renders one page of the access log, newest first.
 *
 * @example
 * await accessPage(ctx);
 */
export async function accessPage(ctx: PageContext): Promise<void> {
  const { main, session, url } = ctx;
  document.title = 'Access log · Docket';
  replace(main, h('h1', { tabindex: '-1' }, 'Access log'), h('p', { class: 'muted' }, 'Loading…'));
  const cursor = url.searchParams.get('cursor');
  let page: AccessPage;
  try {
    page = await get<AccessPage>(
      session,
      `/v1/access-log?limit=50${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
  } catch (error) {
    if (ctx.alive())
      replace(main, h('h1', { tabindex: '-1' }, 'Access log'), errorBox(error, session));
    return;
  }
  if (!ctx.alive()) return;
  const lead = h(
    'p',
    { class: 'lead' },
    'Every read of content, export, bundle and erasure is appended here before the content leaves the server. This log is signed and verifiable like the decisions (see ',
    h('a', { href: '/ui/ledger' }, 'Ledger'),
    ').',
  );
  if (page.items.length === 0) {
    replace(
      main,
      h('h1', { tabindex: '-1' }, 'Access log'),
      lead,
      notice(
        'info',
        'Nobody has read any content yet',
        'Entries appear here when someone opens a decision with content, exports a bundle or erases a subject.',
      ),
    );
    return;
  }
  const older = page.next === null ? null : `/ui/access?cursor=${encodeURIComponent(page.next)}`;
  replace(
    main,
    h('h1', { tabindex: '-1' }, 'Access log'),
    lead,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'access' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['When', 'Who', 'Did', 'What', 'Why'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          page.items.map(({ ts, index, record: r }) =>
            h(
              'tr',
              { 'data-index': String(index) },
              h(
                'td',
                { 'data-label': 'When' },
                h('time', { datetime: ts, title: formatAgo(ts) }, formatTime(ts)),
              ),
              h(
                'td',
                { 'data-label': 'Who' },
                h('code', {}, r.actor),
                ' ',
                badge(r.role, `role role-${r.role}`),
                r.actor === session.keyId ? h('span', { class: 'muted' }, ' (you)') : null,
              ),
              h('td', { 'data-label': 'Did' }, did(r.action, r.count)),
              h(
                'td',
                { 'data-label': 'What' },
                UUID.test(r.target)
                  ? h('a', { href: `/ui/decisions/${encodeURIComponent(r.target)}` }, r.target)
                  : r.target,
              ),
              h(
                'td',
                { 'data-label': 'Why' },
                r.purpose ?? h('span', { class: 'muted' }, 'no purpose given'),
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages' },
      cursor === null ? null : h('a', { href: '/ui/access', class: 'button' }, '« Newest'),
      older === null
        ? h('span', { class: 'muted' }, 'End of the log')
        : h('a', { href: older, class: 'button', rel: 'next' }, 'Older »'),
    ),
  );
}
