// The "…" button of a card: the actions that do not earn a button of their own, in a small menu.
// It opens below the button (the card's last row) or beside it, so it does not cover the card's
// image, prompt and parameters; near the bottom of the view the page scrolls to make room below,
// and it opens above only where even that is impossible (placeMenu). Keyboard: Enter,
// Space or ↓ opens it on its first item, ↑ on its last; ↑/↓ (wrapping), Home and End move; Enter runs
// an item; Esc closes it and gives the focus back to the button; Tab, a click elsewhere, a scroll
// or a resize close it.
import { placeMenu, type Box } from '../../src/shared/menuPlacement';
import { element } from './dom';

export interface MenuItem {
  readonly label: string;
  readonly title: string;
  /** A line above it: the first of a group. */
  readonly groupStart?: boolean;
  run(): void;
}

let openMenu: { root: HTMLElement; close(focusTrigger: boolean): void } | undefined;

function closeMenu(): void {
  openMenu?.close(false);
}

document.addEventListener('mousedown', (event) => {
  if (openMenu && !openMenu.root.contains(event.target as Node)) closeMenu();
});
// the menu is placed in the viewport: anything that moves the button closes it, as VS Code's menus do
window.addEventListener('resize', closeMenu);
/** The page scrolled itself to make room for a menu: that scroll does not close it. */
let scrollingForMenu = false;
document.addEventListener(
  'scroll',
  (event) => {
    if (scrollingForMenu) return void (scrollingForMenu = false);
    if (openMenu && !openMenu.root.contains(event.target as Node)) closeMenu();
  },
  true,
);

/**
 * Scrolls the page so a menu of `height` fits below the button, where it covers none of the card's
 * text, adding room under the page's end if the button is on its last row (taken back on close).
 * Returns whether it scrolled.
 */
function makeRoomBelow(trigger: HTMLElement, height: number, gap = 4): boolean {
  const lacking = trigger.getBoundingClientRect().bottom + gap + height - bounds(trigger).bottom;
  if (lacking <= 0 || trigger.closest('.overlay')) return false;
  const page = document.scrollingElement ?? document.documentElement;
  // how far the page's end is below the view's bottom, from the body's box: a page shorter than the
  // view has a scrollHeight of the view's height, which hid the room it lacked (a single card's menu
  // then rose over its text)
  const body = document.body;
  const room = body.getBoundingClientRect().bottom - window.innerHeight;
  if (room < lacking) body.style.paddingBottom = `${parseFloat(getComputedStyle(body).paddingBottom) + lacking - room + 8}px`;
  scrollingForMenu = true;
  page.scrollTop += lacking;
  return true;
}

/** The gallery's visible area: the viewport less its scrollbar and, when it is sticky over the page, the header. */
function bounds(trigger: HTMLElement): Box {
  // innerHeight: the root's clientHeight is the page's height where the webview's document has no doctype
  const width = Math.min(window.innerWidth, document.documentElement.clientWidth || window.innerWidth);
  const height = window.innerHeight;
  const overlay = trigger.closest('.overlay');
  const header = overlay ? null : document.querySelector('header');
  const top = header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  return { top: top + 4, left: 4, right: width - 4, bottom: height - 4 };
}

/** The "…" button and its menu; nothing when there is no item. */
export function moreMenu(items: readonly MenuItem[], label: string): HTMLElement[] {
  if (items.length === 0) return [];
  const trigger = element('button', { type: 'button', className: 'secondary more', textContent: '…', title: 'More actions' });
  trigger.setAttribute('aria-label', `More actions: ${label}`);
  trigger.setAttribute('aria-haspopup', 'menu');
  trigger.setAttribute('aria-expanded', 'false');
  const menu = element('div', { className: 'menu', role: 'menu', hidden: true, tabIndex: -1 });
  menu.setAttribute('aria-label', `Actions: ${label}`);
  const root = element('span', { className: 'more-wrap' }, [trigger, menu]);
  const entries = items.map((item) => {
    const entry = element('button', {
      type: 'button',
      role: 'menuitem',
      textContent: item.label,
      title: item.title,
      tabIndex: -1,
    });
    entry.addEventListener('click', () => {
      close(true);
      item.run();
    });
    return entry;
  });
  menu.append(
    ...entries.flatMap((entry, index) =>
      items[index]!.groupStart && index > 0 ? [element('div', { className: 'separator', role: 'separator' }), entry] : [entry],
    ),
  );

  function close(focusTrigger: boolean): void {
    if (menu.hidden) return;
    menu.hidden = true;
    document.body.style.paddingBottom = '';
    trigger.setAttribute('aria-expanded', 'false');
    if (openMenu?.root === root) openMenu = undefined;
    if (focusTrigger && trigger.isConnected) trigger.focus();
  }

  function open(focus: 'first' | 'last'): void {
    closeMenu();
    menu.hidden = false;
    trigger.setAttribute('aria-expanded', 'true');
    openMenu = { root, close };
    // measured where it is, then moved: position fixed escapes the card's overflow, so a menu below
    // the card's edge is not cut off
    menu.style.maxHeight = '';
    menu.style.top = '0px';
    menu.style.left = '0px';
    const below = placeMenu(trigger.getBoundingClientRect(), { width: menu.offsetWidth, height: menu.offsetHeight }, bounds(trigger));
    // above, it would cover the card's text: scroll it below instead, when the page can
    if (below.side === 'above' || below.maxHeight !== undefined) makeRoomBelow(trigger, menu.offsetHeight);
    const place = placeMenu(trigger.getBoundingClientRect(), { width: menu.offsetWidth, height: menu.offsetHeight }, bounds(trigger));
    menu.style.top = `${place.top}px`;
    menu.style.left = `${place.left}px`;
    if (place.maxHeight !== undefined) menu.style.maxHeight = `${place.maxHeight}px`;
    menu.dataset.side = place.side;
    (focus === 'first' ? entries[0] : entries[entries.length - 1])?.focus({ preventScroll: true });
  }

  trigger.addEventListener('click', (event) => {
    event.stopPropagation();
    if (menu.hidden) open('first');
    else close(true);
  });
  trigger.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      open(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  });
  menu.addEventListener('keydown', (event) => {
    const at = entries.indexOf(document.activeElement as HTMLButtonElement);
    const go = (index: number) => entries[(index + entries.length) % entries.length]?.focus({ preventScroll: true });
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation(); // the lightbox's Esc must not close it as well
      close(true);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      go(at < 0 ? Math.min(0, step) : at + step);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      go(event.key === 'Home' ? 0 : entries.length - 1);
    } else if (event.key === 'Tab') {
      // the focus goes back to the button and Tab moves on from there, as from a closed menu
      close(true);
    }
  });
  // the focus moved to something else on the page: no menu stays open behind it
  root.addEventListener('focusout', (event) => {
    if (event.relatedTarget instanceof Node && !root.contains(event.relatedTarget)) close(false);
  });
  return [root];
}
