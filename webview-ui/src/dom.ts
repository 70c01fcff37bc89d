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

/**
 * A picture fetched only when it comes near the view, and decoded off the main thread. `loading` is
 * set before `src`: an img given its src first starts fetching at once, lazy or not.
 */
export function lazyImage(src: string, props: Partial<HTMLImageElement> = {}): HTMLImageElement {
  const image = element('img', { ...props, loading: 'lazy', decoding: 'async' });
  image.src = src;
  return image;
}
