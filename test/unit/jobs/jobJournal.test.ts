// The jobs journal on a real temporary folder: what a reload finds, a line torn by a crash, the cost
// of one change, compaction (alone, and while another process appends), and the move from workspace state.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { JobJournal, JOURNAL_FILE } from '../../../src/core/jobs/jobJournal';
import { JOBS_KEY, MAX_KEPT_FINISHED_JOBS } from '../../../src/core/jobs/jobPersistence';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { entryLine, replay } from '../../../src/core/jobs/journalLines';
import type { JobRecord } from '../../../src/core/jobModel';
import { ExtHostMementoModel } from '../../fixtures/extHostMemento';
import { sampleJob } from '../../fixtures/sampleJobs';
import { tempDir } from '../helpers';

const opened: JobJournal[] = [];
after(() => {
  for (const journal of opened) journal.dispose();
});

/** A window's journal on `folder`, loaded, with the warnings it gives; closed after the tests. */
function openJournal(folder: string, minCompactBytes?: number): { journal: JobJournal; jobs: readonly JobRecord[]; warnings: string[] } {
  const warnings: string[] = [];
  const journal = new JobJournal(folder, { warn: (message) => warnings.push(message), minCompactBytes });
  opened.push(journal);
  return { journal, jobs: journal.load(), warnings };
}

function byId(jobs: readonly JobRecord[]): Map<string, JobRecord> {
  return new Map(jobs.map((job) => [job.id, job]));
}

test('a reload finds every job with its latest record, and none that was removed', async () => {
  const folder = tempDir();
  const first = new JobStore(new JobJournal(folder));
  await first.put(sampleJob('a'));
  await first.put(sampleJob('b'));
  await first.update('a', () => ({ remoteId: 'remote-a', status: 'running' }));
  await first.remove('b');
  first.dispose();
  const reloaded = new JobStore(new JobJournal(folder));
  assert.deepEqual(
    reloaded.all().map((job) => [job.id, job.status, job.remoteId]),
    [['a', 'running', 'remote-a']],
  );
  reloaded.dispose();
});

test('two windows on one workspace append their own jobs to one journal; a window opened later finds both', async () => {
  const folder = tempDir();
  const windows = [new JobStore(new JobJournal(folder)), new JobStore(new JobJournal(folder))];
  await Promise.all([windows[0]!.put(sampleJob('from-first')), windows[1]!.put(sampleJob('from-second'))]);
  await windows[0]!.update('from-first', () => ({ remoteId: 'remote-1' }));
  for (const window of windows) window.dispose();
  const later = new JobStore(new JobJournal(folder));
  assert.deepEqual(
    later
      .all()
      .map((job) => [job.id, job.remoteId])
      .sort(),
    [
      ['from-first', 'remote-1'],
      ['from-second', undefined],
    ],
  );
  later.dispose();
});

test('a change that comes as the window closes is still written, synchronously', async () => {
  const folder = tempDir();
  const store = new JobStore(new JobJournal(folder));
  await store.put(sampleJob('closing'));
  store.dispose();
  await store.update('closing', () => ({ status: 'cancelled' }));
  assert.equal(new JobStore(new JobJournal(folder)).get('closing')?.status, 'cancelled');
});

test('a line torn by a crash mid-write is skipped: every other job survives, and later commits read back', async () => {
  const folder = tempDir();
  const { journal } = openJournal(folder);
  await journal.write([{ job: sampleJob('kept') }]);
  // the crash: half of a commit reached the disk, with no newline after it
  const torn = entryLine({ job: sampleJob('torn') });
  appendFileSync(journal.path, `\n${torn.slice(0, torn.length / 2)}`);
  const afterCrash = openJournal(folder);
  assert.deepEqual(
    afterCrash.jobs.map((job) => job.id),
    ['kept'],
  );
  assert.match(afterCrash.warnings.join(), /1 unreadable line/);
  // the next window's commit starts on a line of its own: the torn line does not swallow it
  await afterCrash.journal.write([{ job: sampleJob('after') }]);
  assert.deepEqual(
    openJournal(folder)
      .jobs.map((job) => job.id)
      .sort(),
    ['after', 'kept'],
  );
});

test('one change appends one line, the same size whether ten jobs exist or a thousand', async () => {
  const appended = async (count: number) => {
    const folder = tempDir();
    const store = new JobStore(new JobJournal(folder));
    await Promise.all(Array.from({ length: count }, (_, index) => store.put(sampleJob(`job-${String(index).padStart(4, '0')}`))));
    const path = join(folder, JOURNAL_FILE);
    const before = statSync(path).size;
    await store.update('job-0000', () => ({ remoteId: 'remote-0' }));
    const text = readFileSync(path, 'utf8').slice(before);
    store.dispose();
    return { bytes: statSync(path).size - before, lines: text.split('\n').filter(Boolean).length };
  };
  const few = await appended(10);
  const many = await appended(1000);
  assert.equal(few.lines, 1);
  assert.equal(many.lines, 1);
  assert.equal(many.bytes, few.bytes);
});

test('once the file outgrows its live jobs it is rewritten as them, and a reload reads the same jobs', async () => {
  const folder = tempDir();
  const { journal } = openJournal(folder, 4096);
  await journal.write([{ job: sampleJob('stays') }, { job: sampleJob('goes') }]);
  await journal.write([{ removed: 'goes', at: Date.now() }]);
  const line = Buffer.byteLength(entryLine({ job: sampleJob('stays') }));
  let largest = 0;
  for (let step = 1; step <= 200; step++) {
    await journal.write([{ job: { ...sampleJob('stays'), progress: step / 200, updatedAt: step } }]);
    largest = Math.max(largest, statSync(journal.path).size);
  }
  // 200 commits of one line each would be ten times the threshold: compacted whenever it passed it
  assert.ok(200 * line > 10 * 4096);
  assert.ok(largest <= 4096 + 2 * line, `never much past the threshold (largest ${largest} bytes)`);
  const { jobs, removed } = replay(readFileSync(journal.path, 'utf8'));
  assert.deepEqual([...jobs.keys()], ['stays']);
  assert.equal(jobs.get('stays')!.progress, 1);
  assert.ok(removed.has('goes'), 'the removal is remembered, against a late repeat of an older line');
  assert.deepEqual(
    openJournal(folder).jobs.map((job) => [job.id, job.progress]),
    [['stays', 1]],
  );
});

test('a compaction keeps every unfinished job and the newest finished ones up to the cap', async () => {
  const folder = tempDir();
  const { journal } = openJournal(folder, 1);
  const finished = Array.from({ length: MAX_KEPT_FINISHED_JOBS + 5 }, (_, index) => sampleJob(`done-${index}`, 'succeeded', 1000 + index));
  await journal.write([{ job: sampleJob('open', 'queued', 0) }, ...finished.map((job) => ({ job }))]);
  assert.equal(openJournal(folder).jobs.length, MAX_KEPT_FINISHED_JOBS + 1, 'a reload keeps as many');
  // one commit of many records of one job: the file is now far past its live jobs, and is rewritten
  await journal.write(Array.from({ length: 3000 }, (_, step) => ({ job: { ...sampleJob('open', 'running', 0), updatedAt: step } })));
  const kept = byId([...replay(readFileSync(journal.path, 'utf8')).jobs.values()]);
  assert.equal(kept.size, MAX_KEPT_FINISHED_JOBS + 1);
  assert.equal(kept.get('open')?.status, 'running');
  for (let index = 0; index < 5; index++) assert.ok(!kept.has(`done-${index}`), `the oldest finished job done-${index} is dropped`);
});

test('a compaction loses no line another process appends meanwhile, and their compactions do not collide', async () => {
  const folder = tempDir();
  const { journal } = openJournal(folder, 4096);
  const writers = ['left', 'right'].map((prefix) => {
    const child = fork(join(__dirname, 'journalWriter.js'), [folder, prefix, '300'], { stdio: 'inherit' });
    return new Promise<number | null>((resolve) => child.once('exit', resolve));
  });
  let step = 0;
  let running = true;
  void Promise.all(writers).then(() => (running = false));
  // this window rewrites one job over and over: its file outgrows its live jobs, so it compacts often
  while (running) await journal.write([{ job: { ...sampleJob('busy'), progress: ++step / 1e6, updatedAt: step } }]);
  assert.deepEqual(await Promise.all(writers), [0, 0]);
  const jobs = byId(openJournal(folder).jobs);
  for (const prefix of ['left', 'right'])
    for (let index = 0; index < 300; index++) assert.ok(jobs.has(`${prefix}-${index}`), `${prefix}-${index} is in the journal`);
  assert.equal(jobs.get('busy')?.updatedAt, step, "this window's last record");
  assert.ok(!existsSync(`${journal.path}.lock`), 'no compaction lock is left behind');
});

test('a compaction cut short by a crash leaves the journal whole; its lock and temporary file are taken over', async () => {
  const folder = tempDir();
  const { journal } = openJournal(folder, 1);
  await journal.write([{ job: sampleJob('safe') }]);
  // what a crash between writing the compacted copy and renaming it leaves: a stale lock, a half copy
  const lock = `${journal.path}.lock`;
  const temporary = `${journal.path}.dead-window.tmp`;
  writeFileSync(lock, 'dead-window');
  writeFileSync(temporary, '{"job":');
  const longAgo = new Date(Date.now() - 60_000);
  utimesSync(lock, longAgo, longAgo);
  utimesSync(temporary, longAgo, longAgo);
  const next = openJournal(folder, 1);
  assert.deepEqual(
    next.jobs.map((job) => job.id),
    ['safe'],
  );
  assert.ok(!existsSync(temporary), 'the stale temporary file is removed');
  // five records of one job in one commit: the file outgrows its live jobs, and is compacted
  await next.journal.write(Array.from({ length: 5 }, (_, step) => ({ job: { ...sampleJob('safe', 'running'), updatedAt: 2 + step } })));
  assert.ok(!existsSync(lock), 'the stale lock was taken over and released');
  assert.equal(readFileSync(journal.path, 'utf8').trim().split('\n').length, 1, 'compacted to its one job');
});

test('jobs kept in workspace state by an earlier version move into the journal once, then the key is cleared', async () => {
  const folder = tempDir();
  const earlier = [sampleJob('old-1', 'running'), sampleJob('old-2', 'succeeded')];
  const state = new ExtHostMementoModel({ [JOBS_KEY]: earlier });
  const migrated = new JobJournal(folder, { legacy: state });
  opened.push(migrated);
  assert.deepEqual(
    migrated.load().map((job) => job.id),
    ['old-1', 'old-2'],
  );
  assert.deepEqual(
    [...replay(readFileSync(migrated.path, 'utf8')).jobs.keys()],
    ['old-1', 'old-2'],
    'written to the journal before the key is cleared',
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(state.get(JOBS_KEY, undefined), undefined, 'the key is cleared');
  await migrated.write([{ job: { ...sampleJob('old-1', 'succeeded'), updatedAt: 1 } }]);
  // a reload with the key somehow back (an older version ran meanwhile): the journal stands
  const reloaded = new JobJournal(folder, { legacy: new ExtHostMementoModel({ [JOBS_KEY]: earlier }) });
  assert.deepEqual(
    reloaded.load().map((job) => [job.id, job.status]),
    [
      ['old-1', 'succeeded'],
      ['old-2', 'succeeded'],
    ],
  );
});

test('replay keeps each job its newest record, whatever order the lines come in', () => {
  const lines = [
    entryLine({ job: { ...sampleJob('a', 'running'), updatedAt: 5 } }),
    entryLine({ job: { ...sampleJob('a', 'queued'), updatedAt: 3 } }), // repeated late by a compaction
    entryLine({ job: { ...sampleJob('b'), updatedAt: 1 } }),
    entryLine({ removed: 'b', at: 4 }),
    entryLine({ job: { ...sampleJob('b'), updatedAt: 2 } }), // older than its removal: stays removed
    entryLine({ job: { ...sampleJob('c'), updatedAt: 1 } }),
    entryLine({ removed: 'c', at: 2 }),
    entryLine({ job: { ...sampleJob('c', 'running'), updatedAt: 6 } }), // changed by another window after: back
    '{"job":{"id":"no-status"}}',
  ];
  const { jobs, skipped } = replay(lines.join('\n'));
  assert.deepEqual(
    [...jobs.values()].map((job) => [job.id, job.status]),
    [
      ['a', 'running'],
      ['c', 'running'],
    ],
  );
  assert.equal(skipped, 1, 'a line that is not a job record is skipped');
});
