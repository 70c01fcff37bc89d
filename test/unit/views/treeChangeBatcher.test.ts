import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TreeChangeBatcher, type TreeChange } from '../../../src/views/treeChangeBatcher';

function recording(delayMs = 100) {
  const events: TreeChange<string>[] = [];
  const batcher = new TreeChangeBatcher<string>((change) => events.push(change), delayMs);
  return { events, batcher };
}

test('changes within the window leave as one event carrying each changed element once', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { events, batcher } = recording();
  for (let i = 0; i < 300; i++) batcher.add(`job-${i % 7}`);
  assert.equal(events.length, 0, 'nothing before the window ends');
  t.mock.timers.tick(100);
  assert.equal(events.length, 1);
  assert.deepEqual([...events[0]!].sort(), ['job-0', 'job-1', 'job-2', 'job-3', 'job-4', 'job-5', 'job-6']);
  t.mock.timers.tick(1000);
  assert.equal(events.length, 1, 'nothing more without changes');
});

test('a steady stream still goes out once per window (a window, not a debounce)', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { events, batcher } = recording();
  for (let ms = 0; ms < 1000; ms += 10) {
    batcher.add('running-job');
    t.mock.timers.tick(10);
  }
  assert.equal(events.length, 10);
  assert.ok(events.every((event) => event?.length === 1 && event[0] === 'running-job'));
});

test('a root change swallows the element changes of its window', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { events, batcher } = recording();
  batcher.add('a');
  batcher.addRoot();
  batcher.add('b');
  t.mock.timers.tick(100);
  assert.deepEqual(events, [undefined]);
});

test('manual refresh fires the whole tree at once and drops what was pending', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { events, batcher } = recording();
  batcher.add('a');
  batcher.refreshAllNow();
  assert.deepEqual(events, [undefined]);
  t.mock.timers.tick(100);
  assert.deepEqual(events, [undefined], 'the pending change went with the refresh');
  batcher.add('b');
  batcher.dispose();
  t.mock.timers.tick(100);
  assert.deepEqual(events, [undefined], 'nothing after dispose');
});
