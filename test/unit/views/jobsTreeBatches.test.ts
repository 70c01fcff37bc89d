// A sweep's batch in the Jobs view: one row with its jobs as children in cell order, refreshed in the
// same batched events as every row (one event per window, the batch row when its children or counts
// change, the root only when the batch row itself comes or goes), and what the row says.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { JobRecord, JobSource, JobStatus } from '../../../src/core/jobModel';
import type { TreeChange } from '../../../src/views/treeChangeBatcher';
import {
  batchContextValue,
  batchDescription,
  batchIcon,
  batchEndedMessage,
  batchName,
  batchStateLabel,
  batchTooltipMarkdown,
  summarizeBatch,
} from '../../../src/views/batchPresentation';
import { cellDescription } from '../../../src/core/prompt/sweepCells';
import { treeModelHarness } from './treeModelHarness';

const FILE: JobSource = { kind: 'promptFile', uri: 'file:///w/hills.prompt' };
const BATCH = 'batch:b1';
const SEEDS = [1, 2];
const PLACES = ['a valley', 'a harbour'];

let created = 0;
function job(id: string, status: JobStatus, cell?: readonly [number, number]): JobRecord {
  created++;
  return {
    id,
    idempotencyKey: `key-${id}`,
    request: { providerId: 'sandbox', model: 'landscape', prompt: `prompt of ${id}`, params: {} },
    source: FILE,
    output: { root: 'file:///w', folder: 'out', nameTemplate: '{{name}}', baseName: id },
    ...(cell && {
      sweep: { batchId: 'b1', keys: ['seed', 'place'], values: [SEEDS[cell[0]]!, PLACES[cell[1]]!], position: [...cell], shape: [2, 2] },
    }),
    createdAt: created,
    updatedAt: created,
    status,
    assets: status === 'succeeded' ? [{ path: `out/${id}.png`, sidecarPath: `out/${id}.json`, mimeType: 'image/png', bytes: 1 }] : [],
    ...(status === 'succeeded' || status === 'failed' ? { finishedAt: created + 65_000 } : {}),
  };
}

const setup = (t: TestContext, jobs: JobRecord[], grouped = false) => treeModelHarness(t, jobs, { grouped });

/** Cells made in an order other than the product's: the batch row lists them in the product's. */
const cells = () => [
  job('c11', 'running', [1, 1]),
  job('c00', 'running', [0, 0]),
  job('c10', 'queued', [1, 0]),
  job('c01', 'running', [0, 1]),
];

test('flat: a batch is one row where its newest job is, its jobs its children in cell order', (t) => {
  const { model } = setup(t, [job('older', 'succeeded'), ...cells(), job('newer', 'running')]);
  assert.deepEqual(model.children(), ['newer', BATCH, 'older']);
  assert.deepEqual(model.children(BATCH), ['c00', 'c01', 'c10', 'c11']);
  assert.equal(model.parent('c10'), BATCH);
  assert.equal(model.parent(BATCH), undefined);
  assert.equal(model.parent('older'), undefined);
});

test('grouped: the batch row sits in its prompt file group, its jobs under it', (t) => {
  const { model } = setup(t, [job('older', 'succeeded'), ...cells()], true);
  const group = 'group:file:file:///w/hills.prompt';
  assert.deepEqual(model.children(), [group]);
  assert.deepEqual(model.children(group), [BATCH, 'older']);
  assert.equal(model.parent(BATCH), group);
  assert.equal(model.parent('c00'), BATCH);
});

test("a cell that ends refreshes its row and the batch row's counts in one event; progress or a state that goes on only its row", (t) => {
  const { store, model, events } = setup(t, cells());
  model.children();
  model.children(BATCH);
  store.change('c00', () => ({ progress: 0.5 }));
  void store.update('c10', () => ({ status: 'running' }));
  t.mock.timers.tick(100);
  assert.deepEqual(events, [['c00', 'c10']]);
  void store.update('c00', () => ({ status: 'succeeded' }));
  void store.update('c01', () => ({ status: 'failed' }));
  t.mock.timers.tick(100);
  assert.deepEqual(events.at(-1), ['c00', BATCH, 'c01']);
  assert.equal(events.length, 2);
});

test('a retried cell (a new job in, the old one out) refreshes the batch row only; the batch coming or going refreshes the root', (t) => {
  const { store, model, events } = setup(t, cells());
  model.children();
  model.children(BATCH);
  void store.put(job('c01-again', 'submitting', [0, 1]));
  void store.remove('c01');
  t.mock.timers.tick(100);
  assert.deepEqual(events, [[BATCH]]);
  assert.deepEqual(model.children(BATCH), ['c00', 'c01-again', 'c10', 'c11']);
  for (const id of ['c00', 'c01-again', 'c10', 'c11']) void store.remove(id);
  t.mock.timers.tick(100);
  assert.deepEqual(events.at(-1), undefined, 'the batch row went: the root');
  assert.deepEqual(model.children(), []);
});

test('a hundred jobs recorded together are one root event; their rows tick under an open batch, a page at a time; the batch row does not', (t) => {
  const { store, model, events } = setup(t, []);
  model.children();
  model.setVisible(true);
  for (let i = 0; i < 100; i++)
    void store.put({ ...job(`j${i}`, 'queued'), sweep: { batchId: 'big', keys: ['seed'], values: [i], position: [i], shape: [100] } });
  t.mock.timers.tick(100);
  assert.deepEqual(events, [undefined]);
  assert.deepEqual(model.children(), ['batch:big']);
  assert.deepEqual(model.tickingRows(), [], 'its rows are not shown until the batch is opened');
  const firstPage = model.children('batch:big');
  assert.equal(firstPage.length, 51, 'a page of 50 cells, then "Show more"');
  assert.equal(firstPage.at(-1), 'more:batch:big');
  assert.deepEqual(model.hiddenBehind('more:batch:big'), { list: 'batch:big', hidden: 50, next: 50 });
  assert.equal(model.tickingRows().length, 50);
  model.showMore('more:batch:big');
  assert.deepEqual(events.at(-1), ['batch:big'], 'Show more refreshes the batch row at once');
  assert.equal(model.children('batch:big').length, 100);
  assert.equal(model.tickingRows().length, 100);
  t.mock.timers.tick(1000);
  const tick = events.at(-1) as TreeChange<string>;
  assert.ok(tick && tick.length === 100 && !tick.includes('batch:big'), "a tick names the open batch's rows, not the batch row");
  model.setCollapsed('batch:big', true);
  assert.deepEqual(model.tickingRows(), []);
});

test('the batch row counts its cells by state, says what was swept, and offers the actions that apply', () => {
  const running = [job('a', 'succeeded', [0, 0]), job('b', 'failed', [0, 1]), job('c', 'running', [1, 0]), job('d', 'queued', [1, 1])];
  const now = Math.max(...running.map((j) => j.createdAt)) + 42_000;
  const summary = summarizeBatch(running);
  assert.equal(batchStateLabel(running, now), '2/4 done · 1 failed');
  const started = running.map((one) => ({ ...one, createdAt: new Date(2026, 10, 30, 21, 59, 7).getTime() }));
  assert.equal(
    batchDescription(started),
    'hills.prompt · sweep 2 × 2: seed × place · 21:59:07',
    'its file, what was swept, when it started',
  );
  assert.equal(batchDescription(started, { grouped: true }), 'sweep 2 × 2: seed × place · 21:59:07', 'under its file’s group');
  const typed = started.map((one) => ({
    ...one,
    source: { kind: 'script' } as const,
    request: { ...one.request, prompt: 'a lighthouse on a cliff at dusk, in fog' },
  }));
  assert.equal(
    batchDescription(typed, { grouped: true }),
    '"a lighthouse on a cliff…" · sweep 2 × 2: seed × place · 21:59:07',
    'a typed prompt, cut short',
  );
  assert.equal(cellDescription(running[1]!.sweep!), 'seed 1 · place a harbour');
  assert.deepEqual(batchIcon(summary), { icon: 'sync~spin' });
  assert.equal(batchContextValue(summary), 'jobBatch batchCancelable batchRetryable');
  assert.doesNotMatch(batchContextValue(summary), /\b(job|cancelable|retryable|removable)\b/, "no single job's menu items on a batch");
  const tooltip = batchTooltipMarkdown(running);
  assert.match(tooltip, /^\*\*Sweep of 4 jobs\*\* — sandbox/);
  assert.match(tooltip, /2 unfinished · 1 succeeded · 1 failed/);
  assert.match(tooltip, /seed: 1, 2\n\nplace: a valley, a harbour/);

  const ended = [job('e', 'succeeded', [0, 0]), job('f', 'failed', [0, 1]), job('e2', 'succeeded', [1, 0]), job('e3', 'succeeded', [1, 1])];
  assert.equal(batchStateLabel(ended, 0), '3 images · 1 failed · 1:05', 'from the first job recorded to the last one ended');
  assert.equal(batchEndedMessage(summarizeBatch(ended)), 'Sweep of 4 jobs done: 3 images, 1 failed');
  assert.deepEqual(batchIcon(summarizeBatch(ended)), { icon: 'warning', colour: 'problemsWarningIcon.foreground' });
  assert.equal(batchContextValue(summarizeBatch(ended)), 'jobBatch batchRetryable batchRemovable');
  assert.equal(batchIcon(summarizeBatch([job('g', 'succeeded', [0, 0])])).icon, 'pass');
});

test('cells cleared from the list: the row counts the listed ones and says how many went; the hover still names every value it can', () => {
  // a 2 × 2 sweep of model × place, its broken model's cells failed; the others made their images and
  // were cleared, as Clear Finished does (it keeps failed jobs)
  const MODELS = ['landscape', 'broken'];
  const cell = (id: string, status: JobStatus, [m, p]: readonly [number, number]): JobRecord => {
    const base = job(id, status, [m, p]);
    return {
      ...base,
      request: { ...base.request, model: MODELS[m]! },
      sweep: { batchId: 'b1', keys: ['model', 'place'], values: [`sandbox/${MODELS[m]}`, PLACES[p]!], position: [m, p], shape: [2, 2] },
    };
  };
  const listed = [cell('broken-valley', 'failed', [1, 0]), cell('broken-harbour', 'failed', [1, 1])];
  const summary = summarizeBatch(listed);
  assert.deepEqual([summary.total, summary.cells, summary.cleared], [2, 4, 2]);
  assert.match(batchStateLabel(listed, 0), /^2 failed · 2 cleared · 1:05$/, 'no "0 images": the cleared cells made theirs');
  const tooltip = batchTooltipMarkdown(listed);
  assert.match(tooltip, /^\*\*Sweep of 4 jobs\*\* — sandbox\/broken\n/);
  assert.match(tooltip, /\n2 of 4 cells listed; the rest were cleared \(their images stay on disk\)\n/);
  assert.match(tooltip, /\nmodel: \*cleared\*, sandbox\/broken\n/, 'a value no listed cell carries is named as cleared, in its place');
  assert.match(tooltip, /\nplace: a valley, a harbour\n/);
  assert.equal(batchEndedMessage(summary), 'Sweep of 4 jobs done: 2 failed, 2 cleared from the list before');

  const retried = [cell('valley-again', 'succeeded', [1, 0]), listed[1]!];
  assert.match(batchStateLabel(retried, 0), /^1 image · 1 failed · 2 cleared · \d+:\d\d$/);
  assert.equal(batchEndedMessage(summarizeBatch(retried)), 'Sweep of 4 jobs done: 1 image, 1 failed, 2 cleared from the list before');
  assert.match(batchStateLabel([cell('again', 'running', [1, 0]), listed[1]!], 0), /^1\/2 done · 1 failed · 2 cleared$/);
});

test('a confirmation names the batch by its prompt file (or prompt) and what was swept', () => {
  const batch = cells();
  assert.equal(batchName(batch), 'hills.prompt (seed × place, 2 × 2)');
  const typed = batch.map((cell) => ({
    ...cell,
    source: { kind: 'script' } as const,
    request: { ...cell.request, prompt: 'a  boat\nat dusk' },
  }));
  assert.equal(batchName(typed), '"a boat at dusk" (seed × place, 2 × 2)');
  assert.equal(batchName([]), 'the batch');
});
