// The keyboard focus across a new drawing of the cards. Drawing them again takes every card out of the
// page, and with it the focus, which the browser then gives to nothing (the page's body). A card still
// there gets it back where it was; a card drawn anew (its image or selection changed) on the same
// control; a card gone (its file deleted) passes it to the card now in its place, or else the one
// before, on the same control where it has one; no card left: the gallery's heading.
// While a question of the host's (Delete's) is up, the page has no focus and the browser reports none
// in it (the body): the control last focused stands in, and the place found for the focus is taken
// when the page has the focus again, never while it is elsewhere (that would take it from an editor).

interface HeldFocus {
  readonly node: HTMLElement;
  readonly uri: string;
  /** Its card's place among the cards. */
  readonly position: number;
  readonly control: string;
}

const cardsIn = (container: HTMLElement) => [...container.querySelectorAll<HTMLElement>('article[data-uri]')];

/** What names a control within any card: its tag, class, type and (a button's) words. */
function controlKey(node: HTMLElement): string {
  const words = node instanceof HTMLButtonElement ? node.textContent : '';
  return `${node.tagName}.${node.className}.${node.getAttribute('type') ?? ''}.${words}`;
}

function held(container: HTMLElement, node: EventTarget | null): HeldFocus | undefined {
  if (!(node instanceof HTMLElement) || !container.contains(node)) return undefined;
  const card = node.closest<HTMLElement>('article[data-uri]');
  if (!card) return undefined;
  return { node, uri: card.dataset.uri!, position: cardsIn(container).indexOf(card), control: controlKey(node) };
}

/** Where the focus goes after a drawing: `focused` itself while in the page, else its nearest stand-in. */
function focusTarget(container: HTMLElement, focused: HeldFocus, heading: HTMLElement): HTMLElement {
  if (focused.node.isConnected) return focused.node;
  const cards = cardsIn(container);
  const card = cards.find((candidate) => candidate.dataset.uri === focused.uri) ?? cards[Math.min(focused.position, cards.length - 1)];
  if (!card) return heading;
  const controls = [...card.querySelectorAll<HTMLElement>('button, input, [tabindex]')].filter((node) => !node.closest('[hidden]'));
  return controls.find((node) => controlKey(node) === focused.control) ?? card.querySelector<HTMLElement>('img[tabindex]') ?? card;
}

const nothingFocused = () => document.activeElement === null || document.activeElement === document.body;

/** Keeps the focus of the cards in `container` across each `draw`. */
export class CardFocus {
  /** The card control focused last, while nothing else in the page has been since. */
  private last: HeldFocus | undefined;
  /** Where the focus goes when the page has it again (it was drawn away while elsewhere). */
  private pending: HTMLElement | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly heading: HTMLElement,
  ) {
    // a click puts the focus where it points, or nowhere: no control to go back to
    document.addEventListener('mousedown', () => (this.last = undefined), true);
    document.addEventListener('focusin', (event) => {
      this.last = held(container, event.target);
      this.pending = undefined;
    });
    // the page has the focus again (the host's question is answered), and the browser gave it to nothing
    window.addEventListener('focus', () =>
      setTimeout(() => {
        const target = this.pending ?? this.last?.node;
        this.pending = undefined;
        if (target?.isConnected && nothingFocused()) target.focus();
      }),
    );
  }

  /** Draws the cards (`draw`), then puts the focus back where it belongs. */
  around(draw: () => void): void {
    const focused = held(this.container, document.activeElement) ?? (nothingFocused() ? this.last : undefined);
    draw();
    if (!focused) return;
    const target = focusTarget(this.container, focused, this.heading);
    if (!document.hasFocus()) this.pending = target;
    else if (document.activeElement !== target) target.focus({ preventScroll: target === focused.node });
  }
}
