// The "…" button of a card: actions that do not earn a button of their own (Upscale), in a small
// menu that closes on a choice, Esc, or a click elsewhere.
import { element } from './dom';

export interface MenuItem {
  readonly label: string;
  readonly title: string;
  run(): void;
}

let openMenu: { root: HTMLElement; close(): void } | undefined;

function closeMenu(): void {
  openMenu?.close();
}

document.addEventListener('click', (event) => {
  if (openMenu && !openMenu.root.contains(event.target as Node)) closeMenu();
});

/** The "…" button and its menu; nothing when there is no item. */
export function moreMenu(items: readonly MenuItem[], label: string): HTMLElement[] {
  if (items.length === 0) return [];
  const trigger = element('button', { type: 'button', className: 'secondary more', textContent: '…', title: 'More actions' });
  trigger.setAttribute('aria-label', `More actions: ${label}`);
  trigger.setAttribute('aria-haspopup', 'menu');
  trigger.setAttribute('aria-expanded', 'false');
  const menu = element('div', { className: 'menu', role: 'menu', hidden: true });
  const root = element('span', { className: 'more-wrap' }, [trigger, menu]);
  const entries = items.map((item) => {
    const entry = element('button', { type: 'button', role: 'menuitem', textContent: item.label, title: item.title });
    entry.addEventListener('click', () => {
      close();
      item.run();
    });
    return entry;
  });
  menu.append(...entries);
  function close(): void {
    menu.hidden = true;
    trigger.setAttribute('aria-expanded', 'false');
    if (openMenu?.root === root) openMenu = undefined;
  }
  trigger.addEventListener('click', (event) => {
    event.stopPropagation();
    const opening = menu.hidden;
    closeMenu();
    if (!opening) return;
    menu.hidden = false;
    trigger.setAttribute('aria-expanded', 'true');
    openMenu = { root, close };
    entries[0]?.focus();
  });
  menu.addEventListener('keydown', (event) => {
    const at = entries.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
      trigger.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      entries[(at + (event.key === 'ArrowDown' ? 1 : entries.length - 1)) % entries.length]?.focus();
    }
  });
  return [root];
}
