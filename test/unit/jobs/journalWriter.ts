// Another window, for jobJournal.test.ts: in a process of its own, appends one new job per commit to
// the journal in the folder it is given, while the test's process compacts the same file.
import { JobJournal } from '../../../src/core/jobs/jobJournal';
import { sampleJob } from '../../fixtures/sampleJobs';

const [folder, prefix, count] = process.argv.slice(2);

async function main(): Promise<void> {
  const journal = new JobJournal(folder!, { minCompactBytes: 4096 });
  journal.load();
  for (let index = 0; index < Number(count); index++) {
    await journal.write([{ job: sampleJob(`${prefix}-${index}`, 'queued', Date.now()) }]);
    if (index % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  journal.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
