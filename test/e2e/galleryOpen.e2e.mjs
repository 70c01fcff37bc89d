// Browser check of opening the gallery on a workspace of 260 images (512 × 512, each with its sidecar,
// as the result saver writes them): the packaged extension in code-server. Prints how long the first
// screen of cards takes, cold (the first open in a window) and warm (closed and opened again), from
// the command to the cards in the page and to their pictures decoded, with the host's scan and the
// webview's long tasks; figures in .test-output/e2e-open/open-perf.json, never asserted (a loaded
// machine is slower). Checks what makes it fast and whole: one page of cards first, the rest as the
// list scrolls, every picture lazy and decoded off the main thread, the page loaded once per open,
// and every image still reachable by scrolling and by the filter.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  freePort,
  launchBrowser,
  startCodeServer,
  waitForWorkbench,
  loadFixture,
  runChecks,
  prepareBrowserCheck,
} from '../../scripts/lib/workbench.mjs';

const IMAGES = 260;
const { step, check, passed, runDir, shots, tools, workspace } = prepareBrowserCheck('e2e-open');

const { writeGalleryImages } = loadFixture(runDir, 'test/fixtures/galleryImages.ts');
const folder = 'assets/generated/library';
writeGalleryImages(join(workspace, folder), pathToFileURL(workspace).toString(), folder, { count: IMAGES, size: 512, distinct: 26 });
step(`wrote ${IMAGES} images (512 × 512) with their sidecars into ${folder}`);

const server = await startCodeServer({ tools, runDir, workspace, port: await freePort() });
const { browser, page } = await launchBrowser();

/** The gallery's document among the page's frames (the webview's innermost frame), or undefined. */
async function galleryFrame() {
  for (const frame of page.frames()) {
    try {
      if (await frame.evaluate(() => document.title === 'Image Jobs Gallery' && document.getElementById('app') !== null)) return frame;
    } catch {
      // a frame navigating away
    }
  }
  return undefined;
}

/** The state of the first screen: cards in the page, and the pictures in view, loaded and decoded. */
const firstScreen = () => {
  const cards = document.querySelectorAll('.grid > article.card:not(.live)');
  const inView = [...document.querySelectorAll('.grid > article.card img')].filter((img) => {
    const box = img.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  });
  return {
    origin: window.performance.timeOrigin,
    cards: cards.length,
    inView: inView.length,
    loaded: inView.length > 0 && inView.every((img) => img.complete && img.naturalWidth > 0),
    count: document.querySelector('.count')?.textContent ?? '',
  };
};

/**
 * Runs "Open Gallery" and follows the page until its first screen is whole: when the cards were in the
 * page and when their pictures had loaded (ms after Enter, polled every 20 ms), how many documents the
 * panel loaded, and the webview's own paint and long-task entries.
 */
async function openGallery() {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('>Image Jobs: Open Gallery');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Image Jobs: Open Gallery' }).first().waitFor({ timeout: 10_000 });
  const load = loadavg()[0].toFixed(2);
  const started = Date.now();
  await page.keyboard.press('Enter');
  const origins = new Set(); // each document the panel loaded, by its start
  let frame;
  let cardsAt;
  let loadedAt;
  let state;
  while (Date.now() - started < 60_000) {
    frame = frame && !frame.isDetached() ? frame : await galleryFrame();
    state = frame && (await frame.evaluate(firstScreen).catch(() => undefined));
    if (state) {
      origins.add(Math.round(state.origin));
      if (state.cards > 0) cardsAt ??= Date.now() - started;
      if (state.cards > 0 && state.loaded) {
        loadedAt = Date.now() - started;
        break;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (loadedAt === undefined) throw new Error(`the gallery's first screen never loaded: ${JSON.stringify(state)}`);
  // settle: a reload of the page, or a second message, after the first screen would show here
  await page.waitForTimeout(2000);
  const settled = await (await galleryFrame()).evaluate(() => ({ origin: window.performance.timeOrigin }));
  origins.add(Math.round(settled.origin));
  frame = await galleryFrame();
  const entries = await frame.evaluate(
    () =>
      new Promise((resolve) => {
        const seen = { paint: [], longtask: [] };
        const observers = ['paint', 'longtask'].map((type) => {
          const observer = new window.PerformanceObserver((list) => seen[type].push(...list.getEntries()));
          observer.observe({ type, buffered: true });
          return observer;
        });
        setTimeout(() => {
          for (const observer of observers) observer.disconnect();
          const inView = [...document.querySelectorAll('.grid > article.card img')]
            .filter((img) => img.getBoundingClientRect().top < window.innerHeight)
            .map((img) => img.currentSrc || img.src);
          const fetched = window.performance.getEntriesByType('resource').filter((entry) => entry.initiatorType === 'img');
          // Chromium fetches a lazy picture once it is within 1250 px of the view
          const near = new Set(
            [...document.querySelectorAll('.grid > article.card img')]
              .filter((img) => img.getBoundingClientRect().top < window.innerHeight + 1400)
              .map((img) => img.currentSrc || img.src),
          );
          const pictures = fetched.filter((entry) => inView.includes(entry.name));
          resolve({
            origin: window.performance.timeOrigin,
            marks: window.performance.getEntriesByType('mark').map((mark) => [mark.name, mark.startTime]),
            picturesFetched: fetched.length,
            farPicturesFetched: fetched.filter((entry) => !near.has(entry.name)).length,
            inViewRequested: pictures.length ? Math.min(...pictures.map((entry) => entry.startTime)) : undefined,
            inViewFetched: pictures.length ? Math.max(...pictures.map((entry) => entry.responseEnd)) : undefined,
            contentfulPaint: seen.paint.find((entry) => entry.name === 'first-contentful-paint')?.startTime,
            longTasks: seen.longtask.map((entry) => Math.round(entry.duration)),
            cards: document.querySelectorAll('.grid > article.card:not(.live)').length,
          });
        }, 100);
      }),
  );
  const since = (time) => (time === undefined ? undefined : Math.round(entries.origin + time - started));
  return {
    frame,
    figures: {
      documentStartedMs: Math.round(entries.origin - started),
      firstContentfulPaintMs: since(entries.contentfulPaint),
      ...Object.fromEntries(
        ['gallery-script', 'gallery-assets', 'gallery-rendered'].map((name) => [
          `${name.replace('gallery-', '')}Ms`,
          since(entries.marks.find((mark) => mark[0] === name)?.[1]),
        ]),
      ),
      inViewRequestedMs: since(entries.inViewRequested),
      inViewFetchedMs: since(entries.inViewFetched),
      picturesFetched: entries.picturesFetched,
      farPicturesFetched: entries.farPicturesFetched,
      cardsInPageMs: cardsAt,
      firstScreenLoadedMs: loadedAt,
      cardsAtFirst: state.cards,
      picturesInView: state.inView,
      cardsAfterSettling: entries.cards,
      documentsLoaded: origins.size,
      documentsStartedMs: [...origins].map((origin) => origin - started),
      longTasksMs: entries.longTasks,
      load1m: load,
    },
  };
}

/** The extension's log lines (its LogOutputChannel, in the run's user data). */
function logLines() {
  const logs = join(runDir, 'user-data', 'logs');
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/Image Jobs\.log$/.test(name)) files.push(path);
    }
  };
  if (existsSync(logs)) walk(logs);
  return files.flatMap((file) => readFileSync(file, 'utf8').split('\n'));
}
const scanLines = () => logLines().filter((line) => line.includes('[gallery]'));

await runChecks({ browser, page, server, shots, step, passed }, async () => {
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page);
  // the extension activates on startup finished: the figures are of the gallery, not of the window's start
  for (let waited = 0; !logLines().some((line) => line.includes('[activate] ready')); waited += 250) {
    if (waited > 60_000) throw new Error('Image Jobs did not activate');
    await page.waitForTimeout(250);
  }
  await page.waitForTimeout(2000); // the workbench's own start-up work, out of the way of the figures
  step('workbench ready, Image Jobs active');

  const cold = await openGallery();
  step(`cold open: ${JSON.stringify(cold.figures)}`);
  await page.screenshot({ path: join(shots, '01-opened-cold.png') });
  const gallery = cold.frame;
  check(
    (await gallery.locator('.count').innerText()) === `${IMAGES} of ${IMAGES} images`,
    `the gallery counts all ${IMAGES} images (${await gallery.locator('.count').innerText()})`,
  );

  // warm: closed and opened again, in the same window (the index is kept; unchanged sidecars are not read again)
  await page.keyboard.press('Escape');
  const closeAll = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await closeAll.fill('>View: Close All Editors');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'View: Close All Editors' }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(1500);
  const warm = await openGallery();
  step(`warm open: ${JSON.stringify(warm.figures)}`);
  // the panel looks at the disk again a moment after it has shown its images
  for (let waited = 0; scanLines().length < 2 && waited < 10_000; waited += 250) await page.waitForTimeout(250);
  const scans = scanLines();
  step(`host: ${scans.join(' / ') || 'no scan lines in the log'}`);
  writeFileSync(
    join(runDir, 'open-perf.json'),
    `${JSON.stringify({ images: IMAGES, cold: cold.figures, warm: warm.figures, scans }, null, 2)}\n`,
  );
  await page.screenshot({ path: join(shots, '02-opened-warm.png') });
  const frame = warm.frame;

  for (const [name, run] of Object.entries({ cold, warm }))
    check(
      run.figures.documentsLoaded === 1,
      `${name}: the panel loaded its page once, not again when the images came (${run.figures.documentsLoaded})`,
    );
  check(
    cold.figures.cardsAtFirst < IMAGES && cold.figures.cardsAfterSettling < IMAGES,
    `the first screen is one page of cards, not all ${IMAGES} (${cold.figures.cardsAtFirst} at first, ${cold.figures.cardsAfterSettling} after settling)`,
  );
  check(
    scans.length === 2 && /\b260 read\b/.test(scans[0]) && /\b0 read\b/.test(scans[1]),
    `opened again, the gallery looked at the disk again without reading a sidecar that had not changed (${scans.map((line) => line.replace(/.*\[gallery\] /, '')).join(' / ')})`,
  );
  for (const [name, run] of Object.entries({ cold, warm }))
    check(
      run.figures.farPicturesFetched === 0,
      `${name}: only the pictures near the view were fetched (${run.figures.picturesFetched}, none of them farther than 1400 px below it)`,
    );
  const pictures = await frame.evaluate(() =>
    [...document.querySelectorAll('.grid > article.card img')].map((img) => ({
      lazy: img.loading === 'lazy',
      async: img.decoding === 'async',
      sized: img.width > 0 && img.height > 0,
    })),
  );
  check(
    pictures.length > 0 && pictures.every((picture) => picture.lazy && picture.async && picture.sized),
    `every card's picture is lazy, decoded off the main thread, its size reserved (${pictures.length} pictures)`,
  );

  // the rest come as the list scrolls: all of them, the last one's picture too
  const scrolled = await frame.evaluate(async () => {
    for (let round = 0; round < 100; round++) {
      window.scrollTo(0, document.scrollingElement.scrollHeight);
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (document.querySelectorAll('.grid > article.card').length >= 260 && !document.querySelector('.grid .more-cards')) break;
    }
    const cards = [...document.querySelectorAll('.grid > article.card')];
    const last = cards.at(-1);
    last.scrollIntoView();
    const img = last.querySelector('img');
    for (let wait = 0; wait < 100 && !(img.complete && img.naturalWidth > 0); wait++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    return { cards: cards.length, last: last.querySelector('.path').textContent, lastLoaded: img.complete && img.naturalWidth > 0 };
  });
  check(
    scrolled.cards === IMAGES && /library-0260-1259\.png$/.test(scrolled.last) && scrolled.lastLoaded,
    `scrolled to the end, all ${IMAGES} cards are there, the oldest last with its picture (${JSON.stringify(scrolled)})`,
  );
  await page.screenshot({ path: join(shots, '03-scrolled-to-the-end.png') });

  // the filter searches every image, not only the cards in the page
  await frame.evaluate(() => window.scrollTo(0, 0));
  await frame.locator('input[type="search"]').fill('library-0250-');
  await frame.locator('.grid > article.card', { hasText: 'library-0250-' }).waitFor({ timeout: 5000 });
  const filtered = await frame.evaluate(() => ({
    cards: document.querySelectorAll('.grid > article.card').length,
    count: document.querySelector('.count').textContent,
  }));
  check(
    filtered.cards === 1 && filtered.count === `1 of ${IMAGES} images`,
    `the filter finds an image far down the list (${JSON.stringify(filtered)})`,
  );
  await frame.locator('input[type="search"]').fill('');
  await page.screenshot({ path: join(shots, '04-filtered.png') });
});
