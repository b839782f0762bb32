/** Client-side navigation between the UI's pages (History API; the server serves the page for every /ui/ path). */

type Listener = () => void;
let listener: Listener | undefined;

/**
 * Sets what runs after each navigation.
 *
 * @example
 * onNavigate(render);
 */
export function onNavigate(fn: Listener): void {
  listener = fn;
}

/**
 * Goes to a UI address without reloading the page.
 *
 * @example
 * navigate('/ui/decisions?agent=loan-approver');
 */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const url = new URL(href, location.href);
  if (options.replace === true) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listener?.();
}

/**
 * Makes same-origin links to /ui/ navigate in place (real links: they still open in a new tab
 * with a modifier key or the middle button).
 *
 * @example
 * interceptLinks(document);
 */
export function interceptLinks(root: Document): void {
  root.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target.closest('a') : null;
    if (target === null || target.hasAttribute('download') || target.target !== '') return;
    const url = new URL(target.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith('/ui/')) return;
    // A link within this page (the skip link): the browser scrolls and focuses.
    if (url.hash !== '' && url.pathname === location.pathname && url.search === location.search)
      return;
    event.preventDefault();
    navigate(url.href);
  });
  window.addEventListener('popstate', () => listener?.());
}
