/**
 * The UI's entry point: the page shell (header, navigation, session), the router, and focus
 * management — after a page change the new page's heading takes the focus, so keyboard and
 * screen-reader users land on it.
 */
import { h, replace } from './dom.js';
import { accessPage } from './pages/access.js';
import { decisionPage } from './pages/decision.js';
import { decisionsPage } from './pages/decisions.js';
import { ledgerPage } from './pages/ledger.js';
import { signInPage } from './pages/signin.js';
import { interceptLinks, navigate, onNavigate } from './router.js';
import { canSeeContent, clearSession, loadSession } from './session.js';
import type { Session } from './session.js';
import type { PageContext } from './page.js';
import { badge, errorBox } from './ui.js';

const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
let lastPath = '';
let generation = 0;

function renderNav(session: Session | undefined, path: string): void {
  if (session === undefined) {
    replace(nav);
    return;
  }
  const link = (href: string, text: string): HTMLElement =>
    h(
      'a',
      { href, ...(path === href || path.startsWith(`${href}/`) ? { 'aria-current': 'page' } : {}) },
      text,
    );
  replace(
    nav,
    h(
      'ul',
      { class: 'nav-links' },
      h('li', {}, link('/ui/decisions', 'Decisions')),
      h('li', {}, link('/ui/ledger', 'Ledger')),
      canSeeContent(session.role) ? h('li', {}, link('/ui/access', 'Access log')) : null,
    ),
    h(
      'div',
      { class: 'who' },
      badge(session.role, `role role-${session.role}`),
      h('span', { class: 'muted' }, ` ${session.tenant} · ${session.keyId}`),
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            clearSession();
            navigate('/ui/signin');
          },
        },
        'Sign out',
      ),
    ),
  );
}

async function render(): Promise<void> {
  const url = new URL(location.href);
  const path = url.pathname.replace(/\/+$/, '') || '/ui';
  if (path === '/ui') {
    navigate(`/ui/decisions${url.search}`, { replace: true });
    return;
  }
  const session = loadSession();
  renderNav(session, path);
  // On the first load the browser keeps the focus at the top (the skip link comes first).
  const changed = path !== lastPath && lastPath !== '';
  lastPath = path;
  if (path === '/ui/signin' || session === undefined) {
    if (path !== '/ui/signin') {
      navigate(`/ui/signin?next=${encodeURIComponent(url.pathname + url.search)}`, {
        replace: true,
      });
      return;
    }
    await signInPage(main, url);
  } else {
    const mine = ++generation;
    const ctx: PageContext = { main, session, url, alive: () => mine === generation };
    const decision = /^\/ui\/decisions\/([^/]+)$/.exec(path);
    try {
      if (path === '/ui/decisions') await decisionsPage(ctx);
      else if (decision !== null) await decisionPage(ctx, decodeURIComponent(decision[1]!));
      else if (path === '/ui/ledger') await ledgerPage(ctx);
      else if (path === '/ui/access') await accessPage(ctx);
      else {
        document.title = 'Not found · Docket';
        replace(
          main,
          h('h1', { tabindex: '-1' }, 'No such page'),
          h('p', {}, 'Go to ', h('a', { href: '/ui/decisions' }, 'the decisions'), '.'),
        );
      }
    } catch (error) {
      if (mine !== generation) return;
      replace(main, h('h1', { tabindex: '-1' }, 'Docket'), errorBox(error, session));
    }
  }
  if (changed) main.querySelector<HTMLElement>('h1')?.focus();
}

onNavigate(() => {
  void render();
});
interceptLinks(document);
void render();
