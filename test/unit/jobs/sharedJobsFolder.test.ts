// The folder the jobs journal lives in when VS Code gave this window a suffixed storage folder
// (another extension host held the workspace's own), and the jobs such folders hold moved into it.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { JobJournal, JOURNAL_FILE } from '../../../src/core/jobs/jobJournal';
import { foldSuffixedJournals, sharedJobsFolder } from '../../../src/core/jobs/sharedJobsFolder';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { entryLine } from '../../../src/core/jobs/journalLines';
import { sampleJob } from '../../fixtures/sampleJobs';
import { tempDir } from '../helpers';

const EXTENSION = 'image-jobs.image-jobs';
const opened: JobJournal[] = [];
after(() => {
  for (const journal of opened) journal.dispose();
});

/** A workspace storage root with the workspace's own folder `id` (as VS Code makes it first), and the extension's folder in `id` + suffix. */
function storage(id: string, suffix = ''): { root: string; given: string; own: string } {
  const root = tempDir();
  mkdirSync(join(root, id), { recursive: true });
  const given = join(root, `${id}${suffix}`, EXTENSION);
  mkdirSync(given, { recursive: true });
  return { root, given, own: join(root, id, EXTENSION) };
}

function load(folder: string) {
  const journal = new JobJournal(folder);
  opened.push(journal);
  return new JobStore(journal);
}

test("a window given a suffixed storage folder keeps its jobs in the workspace's own", () => {
  for (const suffix of ['-1', '-9']) {
    const { given, own } = storage('-1dcbb4df', suffix);
    assert.equal(sharedJobsFolder(given), own, suffix);
  }
  const md5 = storage('0b7c3e1f9a2d4c6e8f0a1b2c3d4e5f60', '-2');
  assert.equal(sharedJobsFolder(md5.given), md5.own);
});

test('a folder is its own when it has no suffix, when nothing is beside it without one, or when its "suffix" is part of the id', () => {
  const plain = storage('-1dcbb4df');
  assert.equal(sharedJobsFolder(plain.given), plain.given);
  // "ab-12": VS Code tries -1 to -9 only
  const twoDigits = storage('ab-12');
  assert.equal(sharedJobsFolder(twoDigits.given), twoDigits.given);
  // "ab-3" with no "ab" beside it: an id that ends in -3, not a suffix
  const root = tempDir();
  const alone = join(root, 'ab-3', EXTENSION);
  mkdirSync(alone, { recursive: true });
  assert.equal(sharedJobsFolder(alone), alone);
});

test('jobs recorded in suffixed folders join the shared journal once, and what a window of an earlier version adds later joins at the next start', async () => {
  const { root, own } = storage('-1dcbb4df');
  const mine = load(own);
  await mine.put(sampleJob('shared', 'succeeded', 1));
  const other = load(join(root, '-1dcbb4df-1', EXTENSION));
  await other.put(sampleJob('second-window', 'running', 2));
  const third = load(join(root, '-1dcbb4df-3', EXTENSION));
  await third.put(sampleJob('third-window', 'queued', 3));

  assert.equal(foldSuffixedJournals(own), 2);
  const reloaded = load(own);
  assert.deepEqual(
    reloaded
      .all()
      .map((job) => job.id)
      .sort(),
    ['second-window', 'shared', 'third-window'],
  );
  assert.equal(reloaded.get('second-window')?.status, 'running', 'the record as the other window left it');
  const suffixedJournal = join(root, '-1dcbb4df-1', EXTENSION, JOURNAL_FILE);
  assert.equal(statSync(suffixedJournal).size, 0, 'the suffixed journal is emptied once its jobs are in the shared one');

  const size = statSync(join(own, JOURNAL_FILE)).size;
  assert.equal(foldSuffixedJournals(own), 0);
  assert.equal(statSync(join(own, JOURNAL_FILE)).size, size, 'a second start adds nothing');

  // a window of an earlier version, still open on the suffixed folder, records a change after the move
  appendFileSync(suffixedJournal, `${entryLine({ job: { ...sampleJob('second-window', 'succeeded', 2), updatedAt: 10 } })}\n`);
  assert.equal(foldSuffixedJournals(own), 1);
  assert.equal(load(own).get('second-window')?.status, 'succeeded');
});

test('a job in both journals keeps its newest record, whichever journal had it', async () => {
  const { root, own } = storage('-1dcbb4df');
  await load(own).put({ ...sampleJob('both', 'succeeded', 1), updatedAt: 50 });
  await load(join(root, '-1dcbb4df-1', EXTENSION)).put({ ...sampleJob('both', 'running', 1), updatedAt: 20 });
  foldSuffixedJournals(own);
  assert.equal(load(own).get('both')?.status, 'succeeded');
  assert.match(readFileSync(join(own, JOURNAL_FILE), 'utf8'), /"running"/, 'the older record is in the file, and loses');
});
