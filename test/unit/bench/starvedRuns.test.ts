import { test } from 'node:test';
import assert from 'node:assert/strict';
import { starvedRuns, type Row, type SeedRun } from '../../bench/report';

const run = (client: number, server: number) => ({ loopDelayP99Ms: { client, server } }) as SeedRun;

test('the bench names the runs whose client or server loop the machine starved of CPU', () => {
  const rows: Row[] = [
    { label: 'engine', runs: [run(3, 4), run(30, 4)] },
    { label: 'fixed loop', runs: [run(2, 25)] },
    { label: 'fal', runs: [run(1, 1)] },
  ];
  // the shortest interval is 100 ms here: a delay above 20 ms is a fifth of it
  const warning = starvedRuns(rows, 100)!;
  assert.match(warning, /^WARNING: 2 run\(s\) had an event-loop delay p99 above 20 ms \(engine; fixed loop\)/);
  assert.equal(starvedRuns([rows[2]!], 100), undefined, 'a quiet run: no warning');
});
