// Where a card's "…" menu goes: a pure function of rectangles, run in the webview and unit-tested
// with node. The button is on a card's last row, under the card's image, prompt and parameters: a
// menu that rises above that row covers them. So, in order: below the button; beside it (its top
// level with the button's, covering only the rest of that row); above it only when the bounds (the
// gallery's visible area, under its sticky header) leave no room for either; where nothing fits,
// the larger side, the menu scrolling within it.

export interface Box {
  readonly top: number;
  readonly left: number;
  readonly right: number;
  readonly bottom: number;
}

export interface MenuPlacement {
  readonly top: number;
  readonly left: number;
  readonly side: 'below' | 'beside' | 'above';
  /** Set when the menu is taller than the room on its side: it scrolls within this height. */
  readonly maxHeight?: number;
}

/** The menu's top-left corner for a `width`×`height` menu opened from `trigger`, kept inside `bounds`. */
export function placeMenu(trigger: Box, size: { readonly width: number; readonly height: number }, bounds: Box, gap = 4): MenuPlacement {
  const below = bounds.bottom - (trigger.bottom + gap);
  const above = trigger.top - gap - bounds.top;
  // left-aligned with the button; right-aligned when that would cross the right edge; never past either edge
  const preferred = trigger.left + size.width <= bounds.right ? trigger.left : trigger.right - size.width;
  const left = Math.max(bounds.left, Math.min(preferred, bounds.right - size.width));
  if (size.height <= below) return { top: trigger.bottom + gap, left, side: 'below' };
  if (trigger.top + size.height <= bounds.bottom && trigger.top >= bounds.top) {
    if (trigger.right + gap + size.width <= bounds.right) return { top: trigger.top, left: trigger.right + gap, side: 'beside' };
    if (trigger.left - gap - size.width >= bounds.left) return { top: trigger.top, left: trigger.left - gap - size.width, side: 'beside' };
  }
  if (size.height <= above) return { top: trigger.top - gap - size.height, left, side: 'above' };
  if (below >= above) return { top: trigger.bottom + gap, left, side: 'below', maxHeight: Math.max(0, below) };
  return { top: bounds.top, left, side: 'above', maxHeight: Math.max(0, above) };
}
