// The Jobs view's refresh policy (issue 13), counted on a real JobStore's change stream: one event per
// window with the changed rows, the root only when top-level rows come or go, ticks only for shown rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobStore } from '../../../src/core/jobs/jobStore';
import type { JobRecord, JobSource, JobStatus } from '../../../src/core/jobModel';
import { treeModelHarness } from './treeModelHarness';

const FILE_A: JobSource = { kind: 'promptFile', uri: 'file:///w/a.prompt' };
const FILE_B: JobSource = { kind: 'promptFile', uri: 'file:///w/b.prompt' };
const TYPED: JobSource = { kind: 'input' };

let created = 0;
function job(id: string, status: JobStatus, source: JobSource = TYPED): JobRecord {
  created++;
  return {
    id,
    idempotencyKey: `key-${id}`,
    request: { providerId: 'sandbox', model: 'landscape', prompt: `prompt of ${id}`, params: {} },
    source,
    output: { root: 'file:///w', folder: 'out', nameTemplate: '{{name}}', baseName: id },
    createdAt: created, // later jobs are newer
    updatedAt: created,
    status,
    assets: [],
  };
}

const setup = treeModelHarness;

/** A change that does not start a disk write right away (progress only). */
function progress(store: JobStore, id: string, value: number): void {
  store.change(id, () => ({ progress: value }));
}

test('many changes to shown rows within 100 ms are one event with each changed row once', (t) => {
  const { store, model, events } = setup(t, [job('a', 'running'), job('b', 'running'), job('c', 'queued')]);
  assert.deepEqual(model.children(), ['c', 'b', 'a'], 'newest first');
  for (let i = 0; i < 50; i++) {
    progress(store, 'a', i / 50);
    progress(store, 'b', i / 50);
  }
  t.mock.timers.tick(99);
  assert.equal(events.length, 0);
  t.mock.timers.tick(1);
  assert.deepEqual(events, [['a', 'b']]);
});

test('flat: a new or removed job refreshes the root, once per window; rows VS Code never got are not sent', (t) => {
  const { store, model, events } = setup(t, [job('a', 'running')]);
  model.children();
  void store.put(job('n1', 'submitting'));
  void store.put(job('n2', 'submitting'));
  progress(store, 'a', 0.5);
  t.mock.timers.tick(100);
  assert.deepEqual(events, [undefined], 'one root refresh swallows the row change');
  progress(store, 'n1', 0.1);
  t.mock.timers.tick(100);
  assert.deepEqual(events, [undefined], 'n1 was added after VS Code last asked: it gets it with the root');
  model.children();
  progress(store, 'n1', 0.2);
  t.mock.timers.tick(100);
  assert.deepEqual(events, [undefined, ['n1']]);
});

test('grouped by prompt file: a job joining a shown group refreshes that group, a new group the root', (t) => {
  const { store, model, events } = setup(t, [job('a1', 'succeeded', FILE_A), job('t1', 'running', TYPED), job('a2', 'running', FILE_A)], {
    grouped: true,
  });
  assert.deepEqual(model.children(), ['group:file:file:///w/a.prompt', 'group:other']);
  assert.deepEqual(model.children('group:file:file:///w/a.prompt'), ['a2', 'a1']);
  assert.deepEqual(model.children('group:other'), ['t1']);
  assert.equal(model.parent('a2'), 'group:file:file:///w/a.prompt');
  assert.equal(model.parent('group:other'), undefined);

  void store.put(job('a3', 'submitting', FILE_A));
  t.mock.timers.tick(100);
  assert.deepEqual(events, [['group:file:file:///w/a.prompt']]);

  // finishing changes the row and its group's "n active" count
  void store.update('t1', () => ({ status: 'succeeded' }));
  t.mock.timers.tick(100);
  assert.deepEqual(events.at(-1), ['t1', 'group:other']);

  void store.put(job('b1', 'submitting', FILE_B));
  t.mock.timers.tick(100);
  assert.equal(events.at(-1), undefined, 'a new group is a new top-level row');
  assert.equal(events.length, 3);

  model.children();
  void store.remove('b1');
  t.mock.timers.tick(100);
  assert.equal(events.length, 4);
  assert.equal(events.at(-1), undefined, 'the emptied group goes');
  model.children();
  model.children('group:file:file:///w/a.prompt');
  void store.remove('a1');
  t.mock.timers.tick(100);
  assert.deepEqual(events.at(-1), ['group:file:file:///w/a.prompt'], 'a group that stays refreshes alone');
});

test('switching the grouping refreshes the whole tree at once; manual refresh too', (t) => {
  const { model, events } = setup(t, [job('a', 'running', FILE_A)]);
  model.setGrouped(true);
  assert.deepEqual(events, [undefined]);
  model.setGrouped(true);
  assert.equal(events.length, 1, 'no change, no event');
  model.refreshAll();
  assert.deepEqual(events, [undefined, undefined]);
});

test('elapsed-time ticks: one event per second for unfinished rows VS Code shows, only while the view is visible', (t) => {
  const { model, events } = setup(t, [job('done', 'succeeded'), job('q', 'queued'), job('r', 'running')]);
  model.children();
  t.mock.timers.tick(5000);
  assert.equal(events.length, 0, 'hidden view: no ticks');
  model.setVisible(true);
  t.mock.timers.tick(1100);
  assert.deepEqual(events, [['r', 'q']], 'the finished row does not tick');
  t.mock.timers.tick(3000);
  assert.equal(events.length, 4, 'one event per tick');
  model.setVisible(false);
  t.mock.timers.tick(5000);
  assert.equal(events.length, 4);
});

test('rows in a collapsed group do not tick', (t) => {
  const jobs = [job('a1', 'running', FILE_A), job('a2', 'running', FILE_A), job('t1', 'running'), job('t2', 'running')];
  const { model, events } = setup(t, jobs, { grouped: true });
  model.setVisible(true);
  const groups = model.children();
  for (const group of groups) model.children(group);
  assert.deepEqual(groups, ['group:other', 'group:file:file:///w/a.prompt']);
  model.setCollapsed('group:file:file:///w/a.prompt', true);
  t.mock.timers.tick(1000);
  assert.deepEqual(events, [['t2', 't1']]);
  model.setCollapsed('group:file:file:///w/a.prompt', false);
  t.mock.timers.tick(1000);
  assert.deepEqual(events.at(-1), ['t2', 't1', 'a2', 'a1'], 'expanded again: its rows tick');
});

test('a list shows a page of its newest jobs, then a "Show more" row; only the rows shown tick or change', (t) => {
  const jobs = Array.from({ length: 7 }, (_, index) => job(`j${index}`, 'queued'));
  const { store, model, events } = setup(t, jobs, { pageSize: 3 });
  model.setVisible(true);
  assert.deepEqual(model.children(), ['j6', 'j5', 'j4', 'more:']);
  assert.deepEqual(model.hiddenBehind('more:'), { list: '', hidden: 4, next: 3 });
  t.mock.timers.tick(1000);
  assert.deepEqual(events, [['j6', 'j5', 'j4']], 'the rows behind "Show more" do not tick');
  store.change('j0', () => ({ queuePosition: 1 }));
  t.mock.timers.tick(1000);
  assert.deepEqual(events.at(-1), ['j6', 'j5', 'j4'], 'nor are they sent when they change');
  model.showMore('more:');
  assert.equal(events.at(-1), undefined, 'the list again, at once');
  assert.deepEqual(model.children(), ['j6', 'j5', 'j4', 'j3', 'j2', 'j1', 'more:']);
  assert.deepEqual(model.hiddenBehind('more:'), { list: '', hidden: 1, next: 1 });
  model.showMore('more:');
  assert.deepEqual(model.children(), ['j6', 'j5', 'j4', 'j3', 'j2', 'j1', 'j0'], 'all shown: no "Show more" row');
});

test('grouped: each group shows a page, its "Show more" row refreshes that group alone', (t) => {
  const jobs = [...Array.from({ length: 4 }, (_, index) => job(`a${index}`, 'running', FILE_A)), job('t0', 'running')];
  const { model, events } = setup(t, jobs, { grouped: true, pageSize: 2 });
  assert.deepEqual(model.children('group:file:file:///w/a.prompt'), ['a3', 'a2', 'more:group:file:file:///w/a.prompt']);
  assert.equal(model.parent('more:group:file:file:///w/a.prompt'), 'group:file:file:///w/a.prompt');
  model.showMore('more:group:file:file:///w/a.prompt');
  assert.deepEqual(events, [['group:file:file:///w/a.prompt']]);
  assert.deepEqual(model.children('group:file:file:///w/a.prompt'), ['a3', 'a2', 'a1', 'a0']);
});

test('the ticker stops when nothing is unfinished', (t) => {
  const { store, model, events } = setup(t, [job('r', 'running')]);
  model.setVisible(true);
  model.children();
  t.mock.timers.tick(1000);
  assert.equal(events.length, 1);
  void store.update('r', () => ({ status: 'succeeded' }));
  t.mock.timers.tick(100);
  assert.equal(events.length, 2, 'the finished row, once');
  t.mock.timers.tick(10_000);
  assert.equal(events.length, 2, 'no more ticks');
});

test('a hovered row holds still (no tick, no progress) so its hover stays open; a new state still refreshes it', (t) => {
  const { store, model, events } = setup(t, [job('a', 'running'), job('b', 'running')]);
  model.children();
  model.setVisible(true);
  model.hover('a');
  assert.deepEqual(model.tickingRows(), ['b'], 'the hovered row does not tick');
  progress(store, 'a', 0.5);
  t.mock.timers.tick(1000);
  assert.deepEqual(events.at(-1), ['b'], 'neither its tick nor its progress refresh it: VS Code would close its hover');
  void store.update('a', () => ({ status: 'downloading' }));
  t.mock.timers.tick(100);
  assert.deepEqual(events.at(-1), ['a'], 'a new state does');
  model.hover('a', 0); // the hover is long closed
  assert.deepEqual(model.tickingRows(), ['b', 'a']);
});
