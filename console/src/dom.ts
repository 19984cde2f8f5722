/**
 * The console's whole "framework": create elements with attributes, listeners and text children,
 * and update a list in place by key. Text only ever becomes a Text node (never innerHTML), so a
 * message like `<img src=x onerror=…>` is shown as the characters it is.
 */

type Listener = (event: Event) => void;
export type Attributes = Record<string, string | number | boolean | Listener | undefined>;
export type Child = Node | string | false | null | undefined;

/**
 * `h('button', { type: 'button', class: 'x', onclick: fn }, 'Send')`. Attributes: `on<event>`
 * with a function adds a listener, `true` sets an empty attribute, `false`/`undefined` omit it.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children; strings become Text nodes. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Sets an element's text (as text, never markup) when it differs, sparing screen readers repeats. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

export interface KeyedItem {
  readonly key: string;
  /** Everything the element shows: when it changes the element is rendered again. */
  readonly signature: string;
  render(): HTMLElement;
}

const signatures = new WeakMap<Element, string>();

/**
 * Makes `parent`'s children the rendered `items`, in order, reusing the element of every item
 * whose key and signature are unchanged. Elements that stay are not moved unless the order
 * changed, so focus inside a list (a Retry button, the selected conversation) survives updates.
 */
export function reconcile(parent: HTMLElement, items: readonly KeyedItem[]): void {
  const existing = new Map<string, HTMLElement>();
  for (const child of Array.from(parent.children)) {
    if (child instanceof HTMLElement && child.dataset.key !== undefined) {
      existing.set(child.dataset.key, child);
    }
  }
  const next = items.map((item) => {
    const current = existing.get(item.key);
    if (current && signatures.get(current) === item.signature) return current;
    const fresh = item.render();
    fresh.dataset.key = item.key;
    signatures.set(fresh, item.signature);
    return fresh;
  });
  const keep = new Set<Element>(next);
  for (const child of Array.from(parent.children)) if (!keep.has(child)) child.remove();
  let cursor = parent.firstElementChild;
  for (const element of next) {
    if (element === cursor) {
      cursor = cursor.nextElementSibling;
    } else {
      parent.insertBefore(element, cursor);
    }
  }
}
