// A modal layer over the gallery (the lightbox, the comparison): Esc or the close button closes it,
// focus moves into it and goes back where it was.
import { button, element } from './dom';

export interface Overlay {
  readonly root: HTMLElement;
  close(): void;
}

let current: { overlay: Overlay; returnFocus: Element | null } | undefined;

export function closeOverlay(): void {
  if (!current) return;
  const { overlay, returnFocus } = current;
  current = undefined;
  overlay.root.remove();
  if (returnFocus instanceof HTMLElement && returnFocus.isConnected) returnFocus.focus();
}

/** Opens a layer labelled `title` showing `body`; `onKey` sees the keys it does not handle itself. */
export function openOverlay(className: string, title: string, body: Node[], onKey?: (event: KeyboardEvent) => void): Overlay {
  const returnFocus = current?.returnFocus ?? document.activeElement;
  current?.overlay.root.remove();
  const close = button('Close', 'Close (Esc)', () => closeOverlay());
  const root = element('div', { className: `overlay ${className}`, role: 'dialog', tabIndex: -1 }, [
    element('div', { className: 'overlay-bar' }, [element('h2', { textContent: title }), close]),
    ...body,
  ]);
  root.setAttribute('aria-modal', 'true');
  root.setAttribute('aria-label', title);
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      closeOverlay();
    } else onKey?.(event);
  });
  document.body.append(root);
  const overlay = { root, close: closeOverlay };
  current = { overlay, returnFocus };
  root.focus();
  return overlay;
}

export function overlayOpen(className: string): boolean {
  return current?.overlay.root.classList.contains(className) ?? false;
}
