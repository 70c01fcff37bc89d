// "Image ready" toasts for many jobs: the tour counted 126 toasts for 126 jobs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadyGroups } from '../../../src/views/readyGroups';

function setup(t: import('node:test').TestContext) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const told: string[][] = [];
  const groups = new ReadyGroups((ids) => told.push([...ids]), 10_000);
  t.after(() => groups.dispose());
  return { told, groups };
}

test('a job alone is told at once', (t) => {
  const { told, groups } = setup(t);
  groups.add('a', 0);
  assert.deepEqual(told, [['a']]);
});

test('jobs finishing while others run wait for them: the last one tells them all, once', (t) => {
  const { told, groups } = setup(t);
  groups.add('a', 2);
  groups.add('b', 1);
  assert.deepEqual(told, []);
  groups.add('c', 0);
  assert.deepEqual(told, [['a', 'b', 'c']]);
});

test('a job that failed last ends the wait too; a long run is told every 10 s at most', (t) => {
  const { told, groups } = setup(t);
  groups.add('a', 3);
  groups.inFlightChanged(2);
  assert.deepEqual(told, []);
  t.mock.timers.tick(10_000);
  assert.deepEqual(told, [['a']], 'the first waits no longer than 10 s');
  groups.add('b', 1);
  groups.inFlightChanged(0); // the last one failed: its own toast says so
  assert.deepEqual(told, [['a'], ['b']]);
});
