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
  scouts.forget('a'); // failed or cancelled: no result from it
  assert.equal(scouts.roleOf('kind', 'c'), 'scout', 'a waiting job takes the free place at its next look');
  assert.deepEqual(scouts.release('kind', 'b'), { waiting: ['d'], quickestOfScouts: 2 }, 'the first result, from a scout');
  scouts.roleOf('late', 's');
  scouts.roleOf('late', 'w');
  assert.deepEqual(
    scouts.release('late', 'other'),
    { waiting: [], quickestOfScouts: 0 },
    'a result from no scout says nothing of the quickest',
  );
  assert.equal(scouts.roleOf('kind', 'e'), 'scout', 'released: the kind starts over only if it is new again');
});
