// DOM building for the gallery: properties and children only, text through textContent, so nothing
// from a prompt or a file name is ever parsed as HTML.
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** A button styled as VS Code's primary or secondary button. */
export function button(label: string, title: string, onClick: () => void, kind: 'primary' | 'secondary' = 'secondary'): HTMLButtonElement {
  const node = element('button', { type: 'button', textContent: label, title, className: kind });
  node.addEventListener('click', onClick);
  return node;
}
