// Every command the extension contributes, with the parser for its argument. The activation test
// checks that each id package.json declares is registered.
import type { JobManager } from '../core/jobs/jobManager';
import type { Log } from '../services/log';
import { batchIdOfKey, isBatchKey, isGroupKey } from '../views/jobGroups';
import type { JobsTreeProvider } from '../views/jobsTree';
import type { GalleryPanel } from '../webview/galleryPanel';
import type { ApiKeyCommands } from './apiKeyCommands';
import type { AssetFileCommands } from './assetFileCommands';
import {
  parseAssetFile,
  parseBatchId,
  parseBatchCancel,
  parseConfirmed,
  parseImageId,
  parseInsertTarget,
  parseJobId,
  parseJobRetry,
  parseKeyArgs,
  parseMoreRow,
  parseOptionalJobId,
} from './commandArgs';
import { command, type Command } from './commandRunner';
import { parseGenerateArgs, type GenerateCommands } from './generate';
import type { JobCommands } from './jobCommands';
import type { ProviderCommands } from './providerCommands';
import type { UpscaleCommands } from './upscaleCommands';
import { parseOptionalUri, type TamsCreditCommands } from './tamsCredits';

export interface CommandTargets {
  readonly generate: GenerateCommands;
  readonly keys: ApiKeyCommands;
  readonly jobs: JobManager;
  readonly jobCommands: JobCommands;
  readonly jobsTree: JobsTreeProvider;
  readonly gallery: GalleryPanel;
  readonly assetFiles: AssetFileCommands;
  readonly upscales: UpscaleCommands;
  readonly providerCommands: ProviderCommands;
  readonly tamsCredits: TamsCreditCommands;
  readonly log: Log;
}

export function imageJobsCommands(t: CommandTargets): Command[] {
  return [
    command({ id: 'imageJobs.generate', parse: parseGenerateArgs, run: (target) => t.generate.generate(target) }),
    command({ id: 'imageJobs.generateFromSelection', run: () => t.generate.generateFromSelection() }),
    command({ id: 'imageJobs.openGallery', run: () => t.gallery.show() }),
    command({ id: 'imageJobs.setApiKey', parse: parseKeyArgs, run: (arg) => t.keys.set(arg) }),
    command({ id: 'imageJobs.clearApiKey', parse: parseKeyArgs, run: (arg) => t.keys.clear(arg) }),
    command({
      id: 'imageJobs.refreshJobs',
      run: () => {
        t.jobs.refreshAll();
        t.jobsTree.refresh();
      },
    }),
    command({
      id: 'imageJobs.clearFinishedJobs',
      parse: parseConfirmed,
      run: (arg) => t.jobCommands.clearFinished(arg?.confirmed === true),
    }),
    command({ id: 'imageJobs.cancelAllJobs', parse: parseConfirmed, run: (arg) => t.jobCommands.cancelAll(arg?.confirmed === true) }),
    command({ id: 'imageJobs.showLog', run: () => t.log.show() }),
    command({ id: 'imageJobs.job.cancel', parse: parseJobId, run: (id) => t.jobCommands.cancel(id) }),
    command({ id: 'imageJobs.job.retry', parse: parseJobRetry, run: (arg) => t.jobCommands.retry(arg.jobId, arg.confirmed === true) }),
    command({ id: 'imageJobs.job.openResult', parse: parseJobId, run: (id) => t.jobCommands.openResult(id) }),
    command({ id: 'imageJobs.job.copyId', parse: parseJobId, run: (id) => t.jobCommands.copyId(id) }),
    command({ id: 'imageJobs.job.runAgain', parse: parseJobId, run: (id) => t.jobCommands.runAgain(id) }),
    command({ id: 'imageJobs.job.runWithNewSeed', parse: parseJobId, run: (id) => t.jobCommands.runWithNewSeed(id) }),
    command({
      id: 'imageJobs.job.remove',
      parse: parseOptionalJobId,
      run: async (id) => {
        // the Delete key: the row VS Code passes, else the view's selection; a group row is never removed
        const ids = id === undefined ? t.jobsTree.selectedJobIds() : isGroupKey(id) ? [] : [id];
        for (const row of ids) await (isBatchKey(row) ? t.jobCommands.removeBatch(batchIdOfKey(row)) : t.jobCommands.remove(row));
      },
    }),
    command({
      id: 'imageJobs.batch.cancel',
      parse: parseBatchCancel,
      run: (arg) => t.jobCommands.cancelBatch(arg.batchId, arg.confirmed === true),
    }),
    command({ id: 'imageJobs.batch.retry', parse: parseBatchId, run: (id) => t.jobCommands.retryBatch(id) }),
    command({ id: 'imageJobs.batch.remove', parse: parseBatchId, run: (id) => t.jobCommands.removeBatch(id) }),
    command({ id: 'imageJobs.jobs.groupByPromptFile', run: () => t.jobsTree.setGrouped(true) }),
    command({ id: 'imageJobs.jobs.showAsList', run: () => t.jobsTree.setGrouped(false) }),
    command({ id: 'imageJobs.jobs.showMore', parse: parseMoreRow, run: (row) => t.jobsTree.showMore(row) }),
    command({
      id: 'imageJobs.insertAsset',
      parse: parseInsertTarget,
      run: (target) => (target.kind === 'job' ? t.jobCommands.insertAsset(target.args) : t.assetFiles.insertReference(target.file)),
    }),
    command({ id: 'imageJobs.gallery.delete', parse: parseAssetFile, run: (arg) => t.assetFiles.trash(arg) }),
    command({ id: 'imageJobs.gallery.upscale', parse: parseAssetFile, run: (arg) => t.upscales.upscale(arg) }),
    command({ id: 'imageJobs.submodel.health', run: () => t.providerCommands.subModelHealth() }),
    command({ id: 'imageJobs.submodel.purgeQueue', parse: parseConfirmed, run: (arg) => t.providerCommands.subModelPurgeQueue(arg) }),
    command({ id: 'imageJobs.photogpt.upscale', parse: parseImageId, run: (arg) => t.providerCommands.photoGptUpscale(arg) }),
    command({ id: 'imageJobs.tams.estimateCredits', parse: parseOptionalUri, run: (uri) => t.tamsCredits.estimate(uri) }),
  ];
}
