// A Jobs view model under test: a real JobStore holding the given jobs, mocked timers, every event recorded.
import type { TestContext } from 'node:test';
import { JobStore } from '../../../src/core/jobs/jobStore';
import type { JobRecord } from '../../../src/core/jobModel';
import { JobsTreeModel, type JobsTreeModelOptions } from '../../../src/views/jobsTreeModel';
import type { TreeChange } from '../../../src/views/treeChangeBatcher';
import { memoryPersistence } from '../helpers';

/** A store holding `jobs`, and a model over it whose events are recorded. Timers are mocked. */
export function treeModelHarness(t: TestContext, jobs: JobRecord[], options: JobsTreeModelOptions = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const store = new JobStore(memoryPersistence(jobs));
  const model = new JobsTreeModel(store, { batchMs: 100, tickMs: 1000, ...options });
  const events: TreeChange<string>[] = [];
  model.onDidChange((change) => events.push(change));
  t.after(() => {
    model.dispose();
    store.dispose();
  });
  return { store, model, events };
}
