/**
 * A tiny DOM builder. Every text goes in as a text node (never as HTML), so record content — which
 * comes from agents and their inputs — cannot inject markup into the page.
 */

/** What {@link h} accepts as a child. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/** Attributes: strings, booleans (present or not), or event handlers (`on…`). */
export type Attrs = Readonly<Record<string, string | number | boolean | undefined | EventListener>>;

/**
 * Creates an element with attributes and children.
 *
 * @example
 * h('a', { href: '/ui/ledger', class: 'nav' }, 'Ledger');
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * Appends children (flattening arrays, skipping null/false).
 *
 * @example
 * append(list, items.map((i) => h('li', {}, i)));
 */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child as readonly Child[]);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child as string | number)));
  }
}

/**
 * Replaces an element's children.
 *
 * @example
 * replace(main, h('h1', {}, 'Ledger'));
 */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
