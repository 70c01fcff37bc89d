// Records the previous version wrote, read by this one: its two fields for "not sent yet" (`sendWait`,
// a wait with an end; `unsent`, a wait for its turn) are one now, and a job it left waiting is still
// sent after the reload, not reported "maybe received".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobJournal, JOURNAL_FILE } from '../../../src/core/jobs/jobJournal';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { isTerminal, sendWaitOf, waitsItsTurn, type JobRecord } from '../../../src/core/jobModel';
import { sampleJob } from '../../fixtures/sampleJobs';
import { SerikaServer } from '../../fixtures/providers/serikaServer';
import { cleanupsFailingOnUnhandledRejections, memoryPersistence, tempDir, waitFor } from '../helpers';
import { managerFor, outputIn, PROVIDER_CASES } from '../providers/providerCases';

const cleanups = cleanupsFailingOnUnhandledRejections();
const serika = PROVIDER_CASES.find((c) => c.name === 'Serika')!;
const RATE_LIMITED = { until: 1_700_000_000_000, reason: 'Rate limited by Serika', rateLimited: true };

/** A journal holding `records` as lines of the previous version wrote them. */
function journalOf(records: readonly object[]): string {
  const folder = tempDir();
  writeFileSync(join(folder, JOURNAL_FILE), records.map((job) => `${JSON.stringify({ job })}\n`).join(''));
  return folder;
}

function loaded(folder: string): JobStore {
  const store = new JobStore(new JobJournal(folder));
  cleanups.push(() => store.dispose());
  return store;
}

test('a record of the previous version loads in today’s shape: a wait with an end keeps it, one for its turn has none', () => {
  const submitting = (id: string) => sampleJob(id, 'submitting');
  const store = loaded(
    journalOf([
      { ...submitting('timed'), sendWait: RATE_LIMITED },
      { ...submitting('turn'), unsent: true },
      { ...submitting('both'), sendWait: RATE_LIMITED, unsent: true },
      submitting('neither'),
    ]),
  );
  const job = (id: string) => store.get(id)!;
  assert.deepEqual(job('timed').waitingToSend, RATE_LIMITED);
  assert.ok(waitsItsTurn(job('turn')));
  assert.deepEqual(sendWaitOf(job('both')), RATE_LIMITED, 'the end the provider asked for is kept');
  assert.deepEqual(job('neither'), submitting('neither'));
  for (const id of ['timed', 'turn', 'both']) {
    assert.ok(!('sendWait' in job(id)) && !('unsent' in job(id)), `${id}: no field of the previous version is left`);
  }
});

test('a Serika job the previous version left waiting to be sent is sent after the reload, not reported "maybe received"', async () => {
  const server = new SerikaServer();
  server.durationMs = 100;
  await server.start();
  cleanups.push(() => server.stop());
  const left = (id: string): JobRecord => ({ ...sampleJob(id, 'submitting', Date.now()), request: serika.request, output: outputIn() });
  // Serika takes no idempotency key: only the record's word that nothing was sent lets it go again
  const previous = [
    { ...left('waited-out'), sendWait: { ...RATE_LIMITED, until: Date.now() - 1 } },
    { ...left('its-turn'), unsent: true },
  ];
  const { manager, store } = managerFor(serika, server, {}, memoryPersistence(previous as JobRecord[]));
  cleanups.push(() => (manager.dispose(), store.dispose()));
  manager.resume();
  for (const id of ['waited-out', 'its-turn']) {
    const job = await waitFor(
      () => {
        const current = store.get(id);
        return (current?.remoteId !== undefined || (current && isTerminal(current.status))) && current;
      },
      10_000,
      `${id} sent or ended`,
    );
    assert.equal(job.error?.message, undefined, id);
    assert.ok(job.remoteId, `${id} sent`);
    assert.equal(job.waitingToSend, undefined, `${id}: no longer waiting, once sent`);
  }
  assert.equal(server.jobs.size, 2);
});
