// A card's "…" menu: what it offers (requests the host already carries out), and where it opens, so
// that it never covers the card's own prompt and parameters when there is room elsewhere.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cardMenu } from '../../src/shared/galleryRequests';
import { placeMenu } from '../../src/shared/menuPlacement';
import { galleryRequestSchema } from '../../src/shared/webviewProtocol';

describe("a card's menu", () => {
  it('offers Upscale where the provider can, then the file actions a card has no button for, the trash apart', () => {
    assert.deepEqual(
      cardMenu({ canUpscale: true, canTrash: true }).map((entry) => `${entry.groupStart ? '| ' : ''}${entry.label}`),
      ['Upscale', '| Copy Prompt', 'Reveal in Explorer', 'Open Sidecar', '| Move to Trash…'],
    );
    assert.deepEqual(
      cardMenu({ canTrash: true }).map((entry) => `${entry.groupStart ? '| ' : ''}${entry.label}`),
      ['Copy Prompt', 'Reveal in Explorer', 'Open Sidecar', '| Move to Trash…'],
    );
  });

  it('where there is no trash (a browser, a remote), says the file goes for good rather than promise a trash', () => {
    const last = cardMenu({}).at(-1)!;
    assert.equal(last.action, 'delete');
    assert.equal(last.label, 'Delete Permanently…');
    assert.doesNotMatch(last.title, /to the trash/);
  });

  it('names the command behind Delete for both cases: its title (keybindings, palette) promises no trash', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    const commands: { command: string; title: string }[] = manifest.contributes.commands;
    const title = commands.find((entry) => entry.command === 'imageJobs.gallery.delete')?.title;
    assert.equal(title, 'Delete Image…');
  });

  it('sends only requests of the one protocol the host validates', () => {
    for (const entry of cardMenu({ canUpscale: true })) {
      assert.equal(galleryRequestSchema.safeParse({ type: entry.action, uri: 'file:///w/a.png' }).success, true, entry.action);
    }
  });
});

describe('where the menu opens', () => {
  const viewport = { top: 44, left: 4, right: 796, bottom: 596 };
  const size = { width: 160, height: 130 };
  const trigger = (top: number, left: number) => ({ top, left, right: left + 28, bottom: top + 24 });

  it('below the button (the card’s last row) when there is room: over nothing of its card', () => {
    const button = trigger(300, 200);
    const place = placeMenu(button, size, viewport);
    assert.deepEqual(place, { top: button.bottom + 4, left: 200, side: 'below' });
    assert.ok(place.top >= button.bottom, 'starts under the row of buttons, not over the text above it');
  });

  it('with no room below, beside the button, level with it: over the rest of its row, not the text above', () => {
    const right = placeMenu(trigger(450, 200), size, viewport);
    assert.deepEqual(right, { top: 450, left: 228 + 4, side: 'beside' });
    const left = placeMenu(trigger(450, 700), size, viewport);
    assert.deepEqual(left, { top: 450, left: 700 - 4 - 160, side: 'beside' }, 'to its left near the right edge');
  });

  it('flips above only when there is no room below or beside', () => {
    const low = trigger(540, 200);
    assert.deepEqual(placeMenu(low, size, viewport), { top: 540 - 4 - 130, left: 200, side: 'above' }, 'too low to sit beside');
    const narrow = { ...viewport, right: 300 };
    assert.deepEqual(placeMenu(trigger(450, 120), size, narrow), { top: 450 - 4 - 130, left: 120, side: 'above' }, 'too narrow');
  });

  it('stays inside the visible area: right-aligned with the button near the right edge, clamped at the left', () => {
    assert.equal(placeMenu(trigger(300, 700), size, viewport).left, 728 - 160, 'its right edge on the button’s');
    assert.equal(placeMenu(trigger(300, -20), size, viewport).left, 4);
    const narrow = { ...viewport, right: 150 };
    assert.equal(placeMenu(trigger(300, 100), size, narrow).left, 4, 'a panel narrower than the menu: from its left edge');
  });

  it('where neither side has room, the larger one, scrolling within it; never under the sticky header', () => {
    const tall = { width: 160, height: 450 };
    const low = placeMenu(trigger(150, 200), tall, viewport);
    assert.deepEqual(low, { top: 178, left: 200, side: 'below', maxHeight: 596 - 178 });
    const high = placeMenu(trigger(420, 200), tall, viewport);
    assert.deepEqual(high, { top: 44, left: 200, side: 'above', maxHeight: 420 - 4 - 44 });
  });
});
