// End-to-end check in a real browser: the packaged extension installed into code-server, driven as a
// user would (command palette, input box, jobs view, gallery webview, Insert button), with screenshots
// under .test-output/e2e/ to look at.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  launchBrowser,
  openFile,
  runCommand,
  startCodeServer,
  waitForNotification,
  waitForWorkbench,
  webviewFrame,
  runChecks,
  prepareBrowserCheck,
} from '../../scripts/lib/workbench.mjs';

const PROMPT = 'a paper boat on a still pond';
const RELOAD_PROMPT = 'a lantern in the fog';
const RELOAD_SLUG = 'a-lantern-in-the-fog-';
const { step, check, passed, runDir, shots, tools, workspace } = prepareBrowserCheck('e2e', { 'imageJobs.sandbox.jobDurationMs': 5000 });
const server = await startCodeServer({ tools, runDir, workspace, port: await freePort() });
const { browser, page } = await launchBrowser();
await runChecks({ browser, page, server, shots, step, passed }, async () => {
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page);
  step('workbench ready');

  // 1. palette → input box → job
  await runCommand(page, 'Image Jobs: Generate Image');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(PROMPT);
  await page.keyboard.press('Enter');
  const toast = await waitForNotification(page, 'Image ready');
  check(/Image ready: assets\/generated\/a-paper-boat-on-a-\d+\.png/.test(toast), 'a notification names the saved file');

  // 2. the jobs view in its activity bar container lists the job
  await page.locator('.activitybar .action-item a[aria-label^="Image Jobs"]').first().click();
  const row = page.locator('.monaco-list-row', { hasText: PROMPT }).first();
  await row.waitFor({ timeout: 15_000 });
  check((await row.innerText()).includes('1 image'), 'the Jobs view shows the finished job');
  await page.screenshot({ path: join(shots, '01-jobs-view.png') });

  // 3. the gallery renders the image, under a strict CSP
  await openFile(page, 'notes.md');
  await page.locator('.editor-instance .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await runCommand(page, 'Image Jobs: Open Gallery');
  const gallery = await webviewFrame(page, '.card img');
  await gallery.waitForFunction(
    () => [...document.querySelectorAll('.card img')].some((img) => img.complete && img.naturalWidth > 0),
    null,
    { timeout: 30_000 },
  );
  const image = await gallery.evaluate(() => {
    const img = document.querySelector('.card img');
    return { width: img.naturalWidth, height: img.naturalHeight, alt: img.alt };
  });
  check(
    image.width === 512 && image.height === 512 && image.alt === PROMPT,
    `the gallery shows the 512×512 PNG (${JSON.stringify(image)})`,
  );
  const csp = await gallery.evaluate(
    () => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
  );
  check(
    /default-src 'none'/.test(csp) && /script-src 'nonce-[A-Za-z0-9_-]{20,}'/.test(csp) && !/unsafe/.test(csp),
    `CSP is locked down: ${csp.replace(/https?:\/\/\S+/g, '…')}`,
  );
  const meta = await gallery.locator('.card .meta').first().innerText();
  check(/sandbox\/landscape · 512×512 · seed \d+/.test(meta), `params shown: ${meta}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(shots, '02-gallery.png') });

  // 4. Insert puts a Markdown reference at the cursor of the last editor
  await gallery.locator('.card button', { hasText: 'Insert' }).first().click();
  await gallery.locator('.card .status', { hasText: 'Inserted' }).first().waitFor({ timeout: 15_000 });
  // the editor soft-wraps long lines and renders spaces as non-breaking ones: compare the visible
  // characters, once the edit has been rendered
  const reference = `!\\[${PROMPT.replace(/\s+/g, '')}\\]\\(assets/generated/a-paper-boat-on-a-\\d+\\.png\\)$`;
  const inserted = await page
    .waitForFunction(
      (pattern) => new RegExp(pattern).test(document.querySelector('.editor-instance .view-lines').innerText.replace(/[^\x21-\x7e]+/g, '')),
      reference,
      { timeout: 10_000 },
    )
    .then(
      () => true,
      () => false,
    );
  check(inserted, 'Insert wrote a Markdown image reference at the end of notes.md, where the cursor was');
  await page.screenshot({ path: join(shots, '03-inserted.png') });

  // 4b. the lightbox: a click shows the image large, Esc closes it; secondary buttons have a background
  const secondary = await gallery.evaluate(() => {
    const button = document.querySelector('.card button.secondary');
    return {
      background: window.getComputedStyle(button).backgroundColor,
      variable: window.getComputedStyle(document.documentElement).getPropertyValue('--vscode-button-secondaryBackground').trim(),
    };
  });
  check(
    secondary.variable !== '' && !/rgba\(0, 0, 0, 0\)|transparent/.test(secondary.background),
    `secondary buttons use the theme's background (${JSON.stringify(secondary)})`,
  );
  await gallery.locator('.card img').first().click();
  await gallery.locator('.overlay.lightbox .stage img').waitFor({ timeout: 10_000 });
  check((await gallery.locator('.overlay.lightbox .prompt-full').innerText()) === PROMPT, 'the lightbox shows the image with its prompt');
  await page.screenshot({ path: join(shots, '03b-lightbox.png') });
  await page.keyboard.press('Escape');
  await gallery.locator('.overlay').waitFor({ state: 'detached', timeout: 5000 });
  check(true, 'Esc closes the lightbox');

  // 4c. the card's "…" menu: the file actions a card has no button for, opened below or beside its
  // row of buttons so it covers none of the card's text (here the panel has no room below: beside);
  // the keyboard moves through it, Esc closes it and gives the focus back to "…"
  const boatCard = gallery.locator('.card', { hasText: PROMPT }).first();
  const menuState = () =>
    boatCard.evaluate((card) => {
      const menu = card.querySelector('.menu');
      const box = menu.getBoundingClientRect();
      // every line of text: the image, the prompt, parameters, lineage and path, and the status ("Inserted ![…]")
      const covered = [...card.querySelectorAll('.frame, .details p, .details .status')].filter((node) => {
        const r = node.getBoundingClientRect();
        return r.left < box.right && box.left < r.right && r.top < box.bottom && box.top < r.bottom;
      });
      return {
        open: !menu.hidden,
        items: [...menu.querySelectorAll('[role="menuitem"]')].map((item) => item.textContent),
        covered: covered.map((node) => node.className),
        inView: box.top >= 0 && box.left >= 0 && box.right <= window.innerWidth && box.bottom <= window.innerHeight,
        // below the row of buttons, or beside "…" level with it: never rising over the text above that row
        notAbove: box.top >= card.querySelector('button.more').getBoundingClientRect().top,
        focused: document.activeElement?.textContent,
        expanded: card.querySelector('button.more').getAttribute('aria-expanded'),
      };
    });
  await boatCard.locator('button.more').click();
  const opened = await menuState();
  check(
    opened.open &&
      // VS Code in a browser has no trash: the menu does not promise one
      opened.items.join() === 'Upscale,Copy Prompt,Reveal in Explorer,Open Sidecar,Delete Permanently…' &&
      opened.covered.length === 0 &&
      opened.inView &&
      opened.notAbove &&
      opened.focused === 'Upscale' &&
      opened.expanded === 'true',
    `"…" opens a menu of five actions below or beside the buttons, over none of the card's text, its first item focused (${JSON.stringify(opened)})`,
  );
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, '03c-menu-light.png') });
  await page.keyboard.press('Escape');
  // the same over a narrower and a wider window (the gallery panel a third and twice as wide); a resize
  // closes the menu, so it is opened again at each width
  for (const width of [1000, 2200]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(500);
    await boatCard.locator('button.more').click();
    const resized = await menuState();
    check(
      resized.open && resized.covered.length === 0 && resized.inView && resized.notAbove,
      `at ${width} px wide, the menu covers none of the card's text, its "Inserted" line included (${JSON.stringify(resized)})`,
    );
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, `03c-menu-${width}.png`) });
    await page.keyboard.press('Escape');
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.waitForTimeout(500);
  await boatCard.locator('button.more').click();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const moved = (await menuState()).focused;
  await page.keyboard.press('End');
  const last = (await menuState()).focused;
  await page.keyboard.press('Escape');
  const closed = await menuState();
  check(
    moved === 'Reveal in Explorer' &&
      last === 'Delete Permanently…' &&
      !closed.open &&
      closed.focused === '…' &&
      closed.expanded === 'false',
    `↓ and End move through the menu; Esc closes it and the focus is back on "…" (${moved}, ${last}, ${JSON.stringify(closed)})`,
  );
  await page.keyboard.press('ArrowDown');
  const reopened = await menuState();
  await page.keyboard.press('Tab');
  const tabbed = await menuState();
  check(
    reopened.open && reopened.focused === 'Upscale' && !tabbed.open,
    `↓ on "…" opens the menu on its first item; Tab closes it (${reopened.focused}, ${tabbed.open})`,
  );
  // near the bottom of the view (here a spacer pushes the card down) there is no room below or beside:
  // the page scrolls to make room below, rather than the menu rising over the card's text
  await boatCard.evaluate((card) => {
    const spacer = document.createElement('div');
    spacer.id = 'e2e-spacer';
    spacer.style.height = `${Math.max(0, window.innerHeight - card.querySelector('button.more').getBoundingClientRect().bottom - 24)}px`;
    card.parentElement.before(spacer);
  });
  await boatCard.locator('button.more').click();
  const nearBottom = await menuState();
  check(
    nearBottom.open && nearBottom.covered.length === 0 && nearBottom.inView && nearBottom.notAbove,
    `near the bottom of the view, the page scrolls so the menu opens below the buttons, over none of the card's text (${JSON.stringify(nearBottom)})`,
  );
  await page.screenshot({ path: join(shots, '03c-menu-near-bottom.png') });
  await page.keyboard.press('Escape');
  await boatCard.evaluate(() => document.getElementById('e2e-spacer')?.remove());
  // Open Sidecar: the image's JSON in an editor
  await boatCard.locator('button.more').click();
  await boatCard.locator('.menu [role="menuitem"]', { hasText: 'Open Sidecar' }).click();
  const sidecarTab = page.locator('.tabs-container .tab', { hasText: /a-paper-boat-on-a-\d+\.json/ }).first();
  await sidecarTab.waitFor({ timeout: 15_000 });
  check(true, `Open Sidecar opens the image's JSON sidecar (${(await sidecarTab.innerText()).trim()})`);
  // the menu in the dark theme
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  await page.waitForTimeout(1000);
  await boatCard.locator('button.more').click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, '03c-menu-dark.png') });
  await page.keyboard.press('Escape');
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  await page.waitForTimeout(500);

  // 4d. Upscale from the card's "…" menu: a job whose image lands beside its source, and the lineage
  await gallery.locator('.card', { hasText: PROMPT }).first().locator('button.more').click();
  await gallery.locator('.card .menu button[role="menuitem"]', { hasText: 'Upscale' }).click();
  // the job shows at once as a live card, then as the image it made
  await gallery.locator('.card.live', { hasText: PROMPT }).first().waitFor({ timeout: 15_000 });
  check(true, 'Upscale in the "…" menu started a job (a live card shows it running)');
  const derivedCard = gallery.locator('.card', { has: gallery.locator('.lineage', { hasText: 'Upscaled from' }) }).first();
  await derivedCard.waitFor({ timeout: 30_000 });
  await gallery.waitForFunction(
    () =>
      [...document.querySelectorAll('.card')].some(
        (card) => card.querySelector('.lineage')?.textContent?.startsWith('Upscaled from') && card.querySelector('img')?.naturalWidth > 0,
      ),
    null,
    { timeout: 30_000 },
  );
  const derived = await derivedCard.evaluate((card) => ({
    width: card.querySelector('img').naturalWidth,
    lineage: card.querySelector('.lineage').textContent,
    path: card.querySelector('.path').textContent,
  }));
  check(
    derived.width === 1024 && /^Upscaled from a-paper-boat-on-a-\d+\.png$/.test(derived.lineage) && /-upscaled-2x\.png$/.test(derived.path),
    `the upscaled image (1024 px wide) is saved beside its source and names it (${JSON.stringify(derived)})`,
  );
  const sourceLineage = await gallery
    .locator('.card', { hasNot: gallery.locator('.lineage', { hasText: 'Upscaled from' }) })
    .locator('.lineage')
    .first()
    .innerText();
  check(sourceLineage === '1 derived', `the source shows what was made from it: "${sourceLineage}"`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(shots, '03c-lineage.png') });
  await derivedCard.locator('.lineage button.link').click();
  const flashed = await gallery
    .waitForFunction(() => document.querySelector('.card.flash .lineage')?.textContent === '1 derived', null, { timeout: 5000 })
    .then(
      () => true,
      () => false,
    );
  check(flashed, 'a click on "Upscaled from …" brings the source card into view and highlights it');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(shots, '03d-lineage-source.png') });

  // 4e. Delete from the "…" menu, by keyboard: one question, which says the files go for good (no trash
  // in a browser); then the focus goes to the card now in the deleted one's place, and with no card
  // left to the gallery's heading, never to nothing (the page's body)
  const focusInGallery = () =>
    gallery.evaluate(() => {
      const active = document.activeElement;
      return {
        tag: active?.tagName,
        text: active?.textContent?.trim().slice(0, 40),
        card: active?.closest('article')?.querySelector('.path')?.textContent,
      };
    });
  const deleteByKeyboard = async (card, shot) => {
    const path = await card.locator('.path').innerText();
    await card.locator('button.more').click();
    await page.keyboard.press('End');
    const item = await focusInGallery();
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, shot) });
    const asked = await dialog.evaluate((box) => ({
      message: box.querySelector('.dialog-message-text')?.textContent,
      detail: box.querySelector('.dialog-message-detail')?.textContent,
      buttons: [...box.querySelectorAll('.dialog-buttons .monaco-button')].map((button) => button.textContent),
      focused: document.activeElement?.textContent,
    }));
    // the keyboard answers it: Enter on the focused button when it is the delete, else a click
    if (asked.focused === 'Delete Permanently') await page.keyboard.press('Enter');
    else await dialog.locator('.monaco-button', { hasText: 'Delete Permanently' }).click();
    await gallery.locator('.card .path', { hasText: path }).waitFor({ state: 'detached', timeout: 15_000 });
    await page.waitForTimeout(1500); // a second question would be up by now
    const questions = await page.locator('.monaco-dialog-box').count();
    return { path, item: item.text, asked, questions, focus: await focusInGallery(), onDisk: existsSync(join(workspace, path)) };
  };
  const cardsBefore = await gallery.locator('.card[data-uri]').count();
  const first = await deleteByKeyboard(gallery.locator('.card[data-uri]').first(), '03e-delete-question.png');
  check(
    first.item === 'Delete Permanently…' &&
      first.asked.message === `Permanently delete "${first.path.split('/').pop()}" and its sidecar?` &&
      /no trash: they cannot be restored afterwards\.$/.test(first.asked.detail) &&
      first.asked.buttons.includes('Delete Permanently') &&
      !/trash\?|restore them from the trash/i.test(first.asked.message + first.asked.detail) &&
      first.questions === 0 &&
      !first.onDisk,
    `Delete Permanently… asks one question, which says the file goes for good, and deletes it (${JSON.stringify(first)})`,
  );
  const next = await gallery.locator('.card[data-uri] .path').first().innerText();
  check(
    cardsBefore === 2 && first.focus.tag === 'BUTTON' && first.focus.text === '…' && first.focus.card === next,
    `after the delete the focus is on the same button of the card now in its place, not the page's body (${JSON.stringify(first.focus)})`,
  );
  await page.screenshot({ path: join(shots, '03e-focus-next-card.png') });
  const lastCard = await deleteByKeyboard(gallery.locator('.card[data-uri]').first(), '03e-delete-last-question.png');
  check(
    lastCard.questions === 0 && !lastCard.onDisk && lastCard.focus.tag === 'H1' && lastCard.focus.text === 'Image Jobs Gallery',
    `with no card left, the focus goes to the gallery's heading (${JSON.stringify(lastCard.focus)})`,
  );
  await page.screenshot({ path: join(shots, '03e-focus-heading.png') });

  // 5. a window reload mid-job: the job id was persisted, polling resumes in the new extension host
  await runCommand(page, 'Image Jobs: Generate Image');
  await input.waitFor({ state: 'visible' });
  await input.fill(RELOAD_PROMPT);
  await page.keyboard.press('Enter');
  const inFlight = page
    .locator('.monaco-list-row', { hasText: RELOAD_PROMPT })
    .filter({ hasText: /queued|running/ })
    .first();
  await inFlight.waitFor({ timeout: 15_000 });
  check(true, `the job is in flight before the reload (${(await inFlight.innerText()).replace(/\s+/g, ' ')})`);
  await runCommand(page, 'Developer: Reload Window');
  await page.waitForTimeout(1000);
  await waitForWorkbench(page);
  const resumed = await waitForNotification(page, `Image ready: assets/generated/${RELOAD_SLUG}`);
  check(resumed.includes(RELOAD_SLUG), 'after the reload the same job finished and its image was saved');
  await runCommand(page, 'Image Jobs: Focus on Jobs View');
  await page.locator('.monaco-list-row', { hasText: RELOAD_PROMPT }).filter({ hasText: '1 image' }).first().waitFor({ timeout: 15_000 });
  const rows = await page.locator('.monaco-list-row', { hasText: RELOAD_PROMPT }).count();
  check(rows === 1, 'the jobs view shows the resumed job once, not a duplicate');
  await page.screenshot({ path: join(shots, '04-after-reload.png') });
});
