// Browser check of a sweep's grid in the gallery: a 10 × 10 batch and a 3 × 2 × 2 one written into
// the workspace as the result saver writes them (test/fixtures/sweepFiles.ts), the packaged extension
// in code-server. Checks the labels, the missing cells, rows/columns/page, the lightbox and Save
// contact sheet, and that the chosen grid outlives a closed panel and a reload; measures the 100-cell render (time to paint, long tasks, layout shift) and takes
// screenshots in a light and a dark theme under .test-output/e2e-grid/.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  freePort,
  launchBrowser,
  runCommand,
  startCodeServer,
  waitForWorkbench,
  webviewFrame,
  loadFixture,
  runChecks,
  prepareBrowserCheck,
} from '../../scripts/lib/workbench.mjs';

const { step, check, passed, runDir, shots, tools, workspace } = prepareBrowserCheck('e2e-grid');

// the saver's own functions write the files: bundle the fixture for node and load it
const { sweepJobRecords, writeSweepFiles } = loadFixture(runDir, 'test/fixtures/sweepFiles.ts');
const folder = 'assets/generated/sweeps';
const root = pathToFileURL(workspace).toString();
const big = {
  batchId: 'big-10x10',
  prompt: 'a harbour at dawn',
  axes: [
    { key: 'steps', values: [4, 8, 12, 16, 20, 24, 28, 32, 36, 40] },
    { key: 'cfgScale', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
  ],
  size: 128,
  missing: ['3,4', '7,7'],
  createdAt: Date.UTC(2025, 0, 1),
};
const small = {
  batchId: 'small-3x2x2',
  prompt: 'a {{thing}} in the fog',
  axes: [
    { key: 'steps', values: [10, 20, 30] },
    { key: 'sampler', values: ['Euler a', 'DPM++ 2M'] },
    { key: 'thing', values: ['boat', 'lighthouse on a cliff at dusk'] },
  ],
  size: 96,
  missing: ['1,1,0'],
  createdAt: Date.UTC(2025, 0, 2),
};
for (const spec of [big, small]) writeSweepFiles(join(workspace, folder), spec, sweepJobRecords(spec, root, folder));
step('wrote 98 + 11 images with their sidecars');

const server = await startCodeServer({ tools, runDir, workspace, port: await freePort() });
const { browser, page } = await launchBrowser();
await runChecks({ browser, page, server, shots, step, passed }, async () => {
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page);
  await runCommand(page, 'Image Jobs: Open Gallery');
  let gallery = await webviewFrame(page, 'select[aria-label="Show a sweep as a grid"] option[value="big-10x10"]');
  const options = await gallery.locator('select[aria-label="Show a sweep as a grid"] option').allInnerTexts();
  check(
    options.length === 3 &&
      options[1].startsWith('Grid: a {{thing}}') === false &&
      options.some((o) => o.includes('steps × cfgScale (10 × 10)')),
    `the gallery offers both batches as grids: ${options.join(' | ')}`,
  );

  // the gallery lists images as the sidecar watcher finds them: on a loaded machine the batch's option
  // appears before all of its 98 images are in; the timing below is of the grid, not of the indexing
  // (the cards are drawn a page at a time: the count says how many images it lists)
  await gallery.waitForFunction(
    () => {
      const [, shown, all] = /^(\d+) of (\d+) images$/.exec(document.querySelector('.count')?.textContent ?? '') ?? [];
      return Number(shown) >= 98 + 11 && shown === all;
    },
    null,
    { timeout: 60_000 },
  );

  // 0. the cards: prompts of one and of two lines, yet every card of a row has its buttons on one line
  const buttonRows = () =>
    gallery.evaluate(() => {
      const rows = new Map();
      for (const card of document.querySelectorAll('.grid > article.card')) {
        const top = Math.round(card.getBoundingClientRect().top);
        const buttons = Math.round(card.querySelector('.actions').getBoundingClientRect().top);
        rows.set(top, [...(rows.get(top) ?? []), buttons]);
      }
      const full = [...rows.values()].filter((tops) => tops.length > 1);
      const prompts = new Set([...document.querySelectorAll('.grid .card .prompt')].slice(0, 11).map((node) => node.clientHeight));
      return {
        rows: full.length,
        spread: Math.max(...full.map((tops) => Math.max(...tops) - Math.min(...tops))),
        promptHeights: [...prompts],
      };
    });
  const cardsLight = await buttonRows();
  check(
    cardsLight.rows > 1 && cardsLight.spread <= 1 && cardsLight.promptHeights.length > 1,
    `each row of cards has its buttons at one height, whatever its captions (${JSON.stringify(cardsLight)})`,
  );
  await page.screenshot({ path: join(shots, '00-cards-aligned-light.png') });

  // 1. 100 cells: time from picking the batch to the grid painted, long tasks, layout shifts
  await gallery.evaluate(() => {
    window.__perf = { longTasks: [], shift: 0 };
    new window.PerformanceObserver((list) => window.__perf.longTasks.push(...list.getEntries().map((e) => Math.round(e.duration)))).observe(
      {
        type: 'longtask',
      },
    );
    new window.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__perf.shift += entry.value;
    }).observe({ type: 'layout-shift' });
  });
  const load = loadavg()[0].toFixed(2);
  const timing = await gallery.evaluate(
    () =>
      new Promise((resolve) => {
        const select = document.querySelector('select[aria-label="Show a sweep as a grid"]');
        const started = window.performance.now();
        select.value = 'big-10x10';
        select.dispatchEvent(new window.Event('change'));
        const built = window.performance.now();
        window.requestAnimationFrame(() =>
          setTimeout(() => {
            const painted = window.performance.now();
            const images = [...document.querySelectorAll('.sweep-grid .cell img')];
            // in the window, down and across: a lazy picture out of it is not fetched, so not complete
            const inView = images.filter((img) => {
              const box = img.getBoundingClientRect();
              return box.top < window.innerHeight && box.left < window.innerWidth;
            });
            const waitLoaded = () => {
              if (inView.every((img) => img.complete))
                resolve({
                  built: built - started,
                  painted: painted - started,
                  visibleLoaded: window.performance.now() - started,
                  cells: document.querySelectorAll('.sweep-grid .cell').length,
                  images: images.length,
                  inView: inView.length,
                });
              else setTimeout(waitLoaded, 10);
            };
            waitLoaded();
          }),
        );
      }),
  );
  await page.waitForTimeout(1500);
  const perf = await gallery.evaluate(() => window.__perf);
  const figures = { ...timing, longTasks: perf.longTasks, layoutShift: Number(perf.shift.toFixed(4)), load1m: load };
  writeFileSync(join(runDir, 'grid-perf.json'), `${JSON.stringify(figures, null, 2)}\n`);
  step(`100-cell grid: ${JSON.stringify(figures)}`);
  check(timing.cells === 100 && timing.images === 98, `the grid has 100 cells, 98 with an image (${timing.cells}, ${timing.images})`);
  check(perf.shift < 0.01, `nothing jumps as the thumbnails load (layout shift ${perf.shift.toFixed(4)})`);
  const lazy = await gallery.evaluate(() =>
    [...document.querySelectorAll('.sweep-grid .cell img')].every((img) => img.loading === 'lazy' && img.width > 0),
  );
  check(lazy, 'every thumbnail is lazy-loaded with its size reserved');

  // 2. labels and the missing cells
  const heads = await gallery.locator('.sweep-grid .column-head').allInnerTexts();
  const rows = await gallery.locator('.sweep-grid .row-head').allInnerTexts();
  check(
    heads.join(',') === '1,2,3,4,5,6,7,8,9,10' && rows.join(',') === '4,8,12,16,20,24,28,32,36,40',
    'rows are labelled with steps, columns with cfgScale',
  );
  const missing = await gallery.locator('.sweep-grid .cell-empty').allInnerTexts();
  const missingTitles = await gallery
    .locator('.sweep-grid .cell-empty')
    .evaluateAll((nodes) => nodes.map((node) => node.title.split('\n')[0]));
  check(
    missing.join() === 'no image,no image' && missingTitles.join(' | ') === 'steps 16 · cfgScale 5 | steps 32 · cfgScale 8',
    `the two cells with no file say so, with their values (${missingTitles.join(' | ')})`,
  );
  await page.screenshot({ path: join(shots, '01-grid-10x10-light.png') });

  // 3. the lightbox from a cell, stepping through the page
  await gallery.locator('.sweep-grid .cell img[alt="steps 4 · cfgScale 2"]').click();
  await gallery.locator('.overlay.lightbox .stage img').waitFor({ timeout: 10_000 });
  const path = await gallery.locator('.overlay.lightbox .path').innerText();
  check(/big-10x10-0-1\.png · 2 of 98$/.test(path), `a cell opens its image in the lightbox (${path})`);
  await page.keyboard.press('ArrowRight');
  await gallery.locator('.overlay.lightbox .path', { hasText: 'big-10x10-0-2.png' }).waitFor({ timeout: 5000 });
  check(true, '→ steps to the next cell of the row');
  await page.keyboard.press('Escape');
  await gallery.locator('.overlay').waitFor({ state: 'detached', timeout: 5000 });

  // 4. three keys: rows, columns and a page; swap them
  await gallery.locator('select[aria-label="Show a sweep as a grid"]').selectOption('small-3x2x2');
  await gallery.locator('.sweep-grid .row-head', { hasText: '30' }).waitFor({ timeout: 10_000 });
  const pageOptions = await gallery.locator('select[aria-label="thing"] option').allInnerTexts();
  check(pageOptions.join() === 'boat,lighthouse on a cliff at dusk', `the third key is a page (${pageOptions.join(', ')})`);
  check((await gallery.locator('.sweep-grid .cell-empty').count()) === 1, 'page boat shows its one missing cell');
  await gallery.locator('select[aria-label="Rows"]').selectOption({ label: 'thing' });
  await gallery.locator('.sweep-grid .row-head', { hasText: 'lighthouse' }).waitFor({ timeout: 5000 });
  const swapped = {
    rows: await gallery.locator('.sweep-grid .row-head').allInnerTexts(),
    columns: await gallery.locator('.sweep-grid .column-head').allInnerTexts(),
    page: await gallery.locator('select[aria-label="steps"] option').allInnerTexts(),
  };
  check(
    swapped.rows.join() === 'boat,lighthouse on a cliff at dusk' &&
      swapped.columns.join() === 'Euler a,DPM++ 2M' &&
      swapped.page.join() === '10,20,30',
    `rows thing, columns sampler, steps as the page (${JSON.stringify(swapped)})`,
  );
  await page.screenshot({ path: join(shots, '02-grid-3x2x2-light.png') });

  // 4b. captions say nothing the heads and the page say; a long value in a column head wraps, never cut
  await gallery.locator('select[aria-label="Columns"]').selectOption({ label: 'thing' });
  await gallery.locator('.sweep-grid .column-head', { hasText: 'lighthouse' }).waitFor({ timeout: 5000 });
  const captions = await gallery.evaluate(() => ({
    captions: [...document.querySelectorAll('.sweep-grid .cell figcaption')].map((node) => node.textContent),
    heads: [...document.querySelectorAll('.sweep-grid .column-head, .sweep-grid .row-head')].map((node) => ({
      text: node.textContent,
      cut: node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1,
    })),
    alts: [...document.querySelectorAll('.sweep-grid .cell img')].map((img) => img.alt),
  }));
  check(
    captions.captions.length === 0 &&
      captions.heads.some((head) => head.text === 'lighthouse on a cliff at dusk') &&
      captions.heads.every((head) => !head.cut) &&
      captions.alts.includes('steps 10 · sampler DPM++ 2M · thing lighthouse on a cliff at dusk'),
    `no cell caption repeats a head or the page; every head is whole; the alt text keeps every value (${JSON.stringify(captions)})`,
  );
  await page.screenshot({ path: join(shots, '02a-grid-3-keys-long-value-light.png') });
  await gallery.locator('select[aria-label="Rows"]').selectOption({ label: 'thing' });
  await gallery.locator('.sweep-grid .row-head', { hasText: 'lighthouse' }).waitFor({ timeout: 5000 });

  // 5. Save contact sheet: one PNG and its sidecar beside the images
  await gallery.locator('button', { hasText: 'Save contact sheet' }).click();
  const status = await gallery.locator('.grid-controls > .status .reply-text', { hasText: 'Saved' }).innerText({ timeout: 30_000 });
  const saved = join(workspace, status.replace(/^Saved /, ''));
  check(
    existsSync(saved) && existsSync(saved.replace(/\.png$/, '.json')),
    `Save contact sheet wrote ${status.replace(/^Saved /, '')} and its sidecar`,
  );
  const sidecar = JSON.parse(readFileSync(saved.replace(/\.png$/, '.json'), 'utf8'));
  check(sidecar.rows === 'thing' && sidecar.columns === 'sampler' && sidecar.cells.length === 4, 'the sidecar lists the page as shown');
  step(
    `contact sheet: ${readdirSync(join(workspace, folder))
      .filter((name) => name.startsWith('contact-sheet'))
      .join(', ')}`,
  );
  // "Saved …" offers to open the sheet
  await page.screenshot({ path: join(shots, '02b-saved-light.png') });
  await gallery.locator('.grid-controls > .status button.link', { hasText: 'Open' }).click();
  const sheetName = status
    .replace(/^Saved /, '')
    .split('/')
    .pop();
  const sheetTab = page.locator('.tabs-container .tab', { hasText: sheetName }).first();
  await sheetTab.waitFor({ timeout: 15_000 });
  await gallery.locator('.grid-controls > .status .reply-open', { hasText: 'Opened' }).waitFor({ timeout: 10_000 });
  const afterOpen = await gallery.locator('.grid-controls > .status').innerText();
  check(
    afterOpen.startsWith(status) && /Opened$/.test(afterOpen),
    `Open beside "Saved …" opens the contact sheet in an editor, the saved path still shown (${afterOpen.replace(/\s+/g, ' ')})`,
  );
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(shots, '02c-sheet-opened-light.png') });

  // 5b. a narrow panel: three columns shrink to fit across, and the page does not scroll (a 10 × 10 grid in it: step 6)
  await page.setViewportSize({ width: 1000, height: 520 });
  await gallery.locator('select[aria-label="Columns"]').selectOption({ label: 'steps' });
  await gallery.locator('.sweep-grid .column-head', { hasText: '30' }).waitFor({ timeout: 5000 });
  await page.waitForTimeout(500);
  const scrolling = () =>
    gallery.evaluate(() => {
      const root = document.scrollingElement;
      const grid = document.querySelector('.sweep-scroll');
      const scrolls = (node) => ({ down: node.scrollHeight > node.clientHeight + 1, across: node.scrollWidth > node.clientWidth + 1 });
      const before = scrolls(grid);
      grid.scrollTo(grid.scrollWidth, grid.scrollHeight);
      const last = [...document.querySelectorAll('.sweep-grid .cell')].pop().getBoundingClientRect();
      return {
        width: window.innerWidth,
        columns: document.querySelectorAll('.sweep-grid .column-head').length,
        cell: document.querySelector('.sweep-grid .cell img, .sweep-grid .cell-empty').getBoundingClientRect().width,
        // the corner ("rows ╲ columns") wraps in its column, never drawn over the first column's head
        cornerFits: (() => {
          const corner = document.querySelector('.sweep-grid .corner');
          const head = document.querySelector('.sweep-grid .column-head').getBoundingClientRect();
          return corner.scrollWidth <= corner.clientWidth + 1 && corner.getBoundingClientRect().right <= head.left + 1;
        })(),
        // a long value wraps between its words, never inside one ("lightho / use"): each word's text is one box
        brokenWords: [...document.querySelectorAll('.sweep-grid .row-head, .sweep-grid .corner')].flatMap((head) => {
          const text = head.firstChild;
          const broken = [];
          for (const match of text.data.matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(text, match.index);
            range.setEnd(text, match.index + match[0].length);
            if (range.getClientRects().length > 1) broken.push(match[0]);
          }
          return broken;
        }),
        page: scrolls(root),
        grid: before,
        lastCellInView: last.bottom <= window.innerHeight && last.right <= window.innerWidth,
      };
    });
  const fitted = await scrolling();
  check(
    fitted.columns === 3 &&
      !fitted.page.down &&
      !fitted.page.across &&
      !fitted.grid.across &&
      fitted.lastCellInView &&
      fitted.cornerFits &&
      !fitted.brokenWords.length,
    `in a ${fitted.width}px panel three columns fit across (cells ${Math.round(fitted.cell)}px), the corner head stays in its column, no head breaks a word, and the page does not scroll (${JSON.stringify(fitted)})`,
  );
  await page.screenshot({ path: join(shots, '02d-grid-narrow-light.png') });
  await page.setViewportSize({ width: 1400, height: 900 });

  // 5c. the chosen grid outlives the panel: closed and opened again, then a window reload
  const gridNow = () =>
    gallery.evaluate(() => {
      const chosen = (label) => document.querySelector(`select[aria-label="${label}"]`)?.selectedOptions[0]?.textContent;
      return {
        batch: document.querySelector('select[aria-label="Show a sweep as a grid"]').value,
        rows: chosen('Rows'),
        columns: chosen('Columns'),
        sampler: chosen('sampler'),
        empty: document.querySelectorAll('.sweep-grid .cell-empty').length,
      };
    });
  await gallery.locator('select[aria-label="sampler"]').selectOption({ label: 'DPM++ 2M' });
  await gallery.locator('.sweep-grid .cell-empty').waitFor({ timeout: 5000 });
  const chosen = await gridNow();
  const same = (other) => JSON.stringify(other) === JSON.stringify(chosen);
  await runCommand(page, 'View: Close All Editors');
  await page.waitForTimeout(1000);
  await runCommand(page, 'Image Jobs: Open Gallery');
  gallery = await webviewFrame(page, '.sweep-grid .cell-empty');
  const reopened = await gridNow();
  check(
    same(reopened) && chosen.batch === 'small-3x2x2' && chosen.sampler === 'DPM++ 2M',
    `closed and opened again, the gallery shows the same grid, rows, columns and page (${JSON.stringify(reopened)})`,
  );
  await page.screenshot({ path: join(shots, '02e-grid-reopened-light.png') });
  await runCommand(page, 'Developer: Reload Window');
  await page.waitForTimeout(1000);
  await waitForWorkbench(page);
  gallery = await webviewFrame(page, '.sweep-grid .cell-empty', 60_000);
  const reloaded = await gridNow();
  check(same(reloaded), `after a window reload too (${JSON.stringify(reloaded)})`);
  await page.screenshot({ path: join(shots, '02f-grid-reloaded-light.png') });

  // 6. the dark theme (code-server starts in a light one)
  const bodyColour = () => gallery.evaluate(() => window.getComputedStyle(document.body).backgroundColor);
  const light = await bodyColour();
  await gallery.locator('select[aria-label="Show a sweep as a grid"]').selectOption('big-10x10');
  // the narrow panel again: a 10 × 10 grid is the one thing that scrolls, never the page as well
  await page.setViewportSize({ width: 1000, height: 520 });
  await gallery.locator('.sweep-grid .column-head', { hasText: '10' }).first().waitFor({ timeout: 5000 });
  await page.waitForTimeout(500);
  const big10 = await scrolling();
  check(
    big10.columns === 10 && !big10.page.down && !big10.page.across && big10.grid.down && big10.grid.across && big10.lastCellInView,
    `in a ${big10.width}px panel a 10 × 10 grid scrolls (cells ${Math.round(big10.cell)}px) and the page does not; its last cell can be scrolled into view (${JSON.stringify(big10)})`,
  );
  await page.screenshot({ path: join(shots, '02d-grid-narrow-10x10-light.png') });
  await page.setViewportSize({ width: 1400, height: 900 });
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  await page.waitForTimeout(1500);
  const dark = await bodyColour();
  const brightness = (colour) =>
    colour
      .match(/\d+/g)
      .slice(0, 3)
      .reduce((sum, part) => sum + Number(part), 0);
  check(brightness(light) > 600 && brightness(dark) < 150, `the grid follows the theme (light ${light}, dark ${dark})`);
  await page.screenshot({ path: join(shots, '03-grid-10x10-dark.png') });
  await gallery.locator('.sweep-grid .cell img').nth(12).click();
  await gallery.locator('.overlay.lightbox .stage img').waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(shots, '04-grid-lightbox-dark.png') });
  await page.keyboard.press('Escape');
  await gallery.locator('.overlay').waitFor({ state: 'detached', timeout: 5000 });

  // 7. a kept grid whose batch is gone: the plain gallery
  await runCommand(page, 'View: Close All Editors');
  await page.waitForTimeout(1000);
  for (const name of readdirSync(join(workspace, folder))) if (name.startsWith('big-10x10')) rmSync(join(workspace, folder, name));
  await runCommand(page, 'Image Jobs: Open Gallery');
  gallery = await webviewFrame(page, 'select[aria-label="Show a sweep as a grid"] option[value="small-3x2x2"]');
  await gallery.waitForFunction(
    () =>
      !document.querySelector('select[aria-label="Show a sweep as a grid"] option[value="big-10x10"]') &&
      document.querySelectorAll('.card').length >= 11,
    null,
    { timeout: 30_000 },
  );
  const fallback = await gallery.evaluate(() => ({
    batch: document.querySelector('select[aria-label="Show a sweep as a grid"]').value,
    grid: document.querySelector('.sweep-view').hidden,
    cards: document.querySelectorAll('.card').length,
  }));
  check(
    fallback.batch === '' && fallback.grid && fallback.cards >= 11,
    `a kept grid whose batch was deleted falls back to every image as cards (${JSON.stringify(fallback)})`,
  );
  const cardsDark = await buttonRows();
  check(cardsDark.rows > 1 && cardsDark.spread <= 1, `in the dark theme too (${JSON.stringify(cardsDark)})`);
  await page.screenshot({ path: join(shots, '05-deleted-batch-fallback-dark.png') });
});
