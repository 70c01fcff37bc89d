import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scouts } from '../../../src/core/jobs/scouts';

test('scouts: the first jobs of a new kind scout, the rest wait; a scout that ends frees its place; a result releases the waiting', () => {
  const scouts = new Scouts(2);
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((id) => scouts.roleOf('kind', id)),
    ['scout', 'scout', 'waiting', 'waiting'],
  );
  assert.equal(scouts.roleOf('other', 'x'), 'scout', 'each kind has its own scouts');
  assert.equal(scouts.roleOf('kind', 'a'), 'scout', 'a scout stays one');
  assert.deepEqual(scouts.waitingJobs(), ['c', 'd']);
  assert.equal(scouts.forget('a'), 'c', 'a scout that failed or was cancelled hands its place to a waiting job at once');
  assert.equal(scouts.roleOf('kind', 'c'), 'scout');
  assert.equal(scouts.forget('x'), undefined, 'nobody waits for the other kind');
  assert.deepEqual(scouts.release('kind', 'b'), { waiting: ['d'], quickestOfScouts: 2 }, 'the first result, from a scout');
  scouts.roleOf('late', 's');
  scouts.roleOf('late', 'w');
  assert.deepEqual(
    scouts.release('late', 'other'),
    { waiting: [], quickestOfScouts: 0 },
    'a result from no scout says nothing of the quickest',
  );
  assert.equal(scouts.roleOf('kind', 'e'), 'scout', 'released: the kind starts over only if it is new again');
  scouts.roleOf('kind', 'f');
  scouts.roleOf('kind', 'g');
  assert.equal(scouts.forget('g'), undefined, 'a waiting job that ends frees no scout place');
  assert.deepEqual(scouts.waitingJobs(), []);
});
