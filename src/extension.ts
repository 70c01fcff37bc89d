// Wiring only: every object is created here, owns what it creates, and is pushed to subscriptions.
import * as vscode from 'vscode';
import { ApiKeyCommands } from './commands/apiKeyCommands';
import { ReferenceInserter } from './commands/referenceInsertion';
import { AssetFileCommands } from './commands/assetFileCommands';
import { GenerateCommands } from './commands/generate';
import { JobCommands } from './commands/jobCommands';
import { imageJobsCommands } from './commands/commandList';
import { ProviderCommands } from './commands/providerCommands';
import { UpscaleCommands } from './commands/upscaleCommands';
import { registerCommands } from './commands/registry';
import { TamsCreditCommands } from './commands/tamsCredits';
import { FileJobLeases } from './core/jobs/jobLeases';
import { JobManager } from './core/jobs/jobManager';
import type { JobRecord, ProviderId } from './core/jobModel';
import { JobJournal } from './core/jobs/jobJournal';
import { JobStore } from './core/jobs/jobStore';
import { DEFAULT_POLL_POLICY } from './core/jobs/pollPolicy';
import { ApiKeys } from './services/apiKeys';
import { GalleryFiles } from './services/galleryFiles';
import { ContactSheets } from './services/contactSheets';
import * as config from './services/config';
import { Log } from './services/log';
import { ProviderKeyContext } from './services/providerKeyContext';
import { ProviderAccessService } from './services/providerAccess';
import { SandboxHost } from './services/sandboxHost';
import { workspaceAssetSink } from './services/workspaceAssets';
import { sharedJobsFolderOf } from './services/jobsFolder';
import { JobNotifications } from './views/jobNotifications';
import { JobsTreeProvider } from './views/jobsTree';
import { PromptLanguageFeatures } from './language/promptLanguage';
import { GalleryPanel } from './webview/galleryPanel';
import { GenerateImageTool } from './tools/generateImageTool';
import { registerImageTools } from './tools/imageTools';
import { ListImagesTool } from './tools/listImagesTool';

/** What `activate` returns: lets other extensions and our tests script and observe jobs. */
export interface ImageJobsApi {
  getJob(id: string): JobRecord | undefined;
  listJobs(): JobRecord[];
  onDidChangeJob: vscode.Event<string>;
  /** Whether a key is stored; the key itself is never exposed. */
  hasApiKey(provider: ProviderId): Promise<boolean>;
  readonly jobsTree: vscode.TreeDataProvider<string>;
  /** The gallery lists images on disk; `listed()` gives their workspace-relative paths. */
  readonly gallery: { readonly isOpen: boolean; listed(): readonly string[] };
  /** What the gallery's "Save contact sheet" does, for scripts and tests. */
  readonly contactSheets: Pick<ContactSheets, 'write'>;
}

export function activate(context: vscode.ExtensionContext): ImageJobsApi {
  const started = Date.now();
  const push = <T extends vscode.Disposable>(disposable: T): T => {
    context.subscriptions.push(disposable);
    return disposable;
  };

  const log = push(new Log());
  const apiKeys = push(new ApiKeys(context.secrets, log));
  const sandbox = push(new SandboxHost(context.globalStorageUri, log));
  // the jobs journal and the leases live in the workspace's storage folder, which every window open on
  // the workspace shares (one of them tracks each job), not in a suffixed one VS Code gave this window
  // (sharedJobsFolder.ts); without a folder open, in the global one
  const jobsFolder = sharedJobsFolderOf(context, log);
  const journal = new JobJournal(jobsFolder, { legacy: context.workspaceState, warn: (message) => log.warn(`[jobs] ${message}`) });
  // a provider may echo the key in an error: a job's text is scrubbed as the log's lines are
  const store = push(new JobStore(journal, { redact: (text) => log.redact(text) }));
  const pollPolicy = push(new config.SettingsValue(() => ({ ...DEFAULT_POLL_POLICY, maxIntervalMs: config.maxPollIntervalMs() })));
  const providerAccess = push(new ProviderAccessService(sandbox, apiKeys));
  const { access } = providerAccess;
  const leases = push(new FileJobLeases(jobsFolder));
  void leases.prune().catch(() => undefined);
  const jobs = push(new JobManager(store, access, workspaceAssetSink, log, { pollPolicy: () => pollPolicy.value, leases }));

  const promptLanguage = push(new PromptLanguageFeatures(apiKeys));
  const jobsTree = push(new JobsTreeProvider(store, context.globalState));
  jobsTree.attach(push(vscode.window.createTreeView('imageJobs.jobs', { treeDataProvider: jobsTree, showCollapseAll: false })));
  push(new JobNotifications(store, log));

  const references = push(new ReferenceInserter());
  const jobCommands = new JobCommands(store, jobs, references, log);
  const galleryFiles = push(new GalleryFiles(store, log));
  const assetFiles = new AssetFileCommands(galleryFiles, references, log);
  const upscales = new UpscaleCommands(assetFiles, jobs, providerAccess, log);
  const contactSheets = new ContactSheets(galleryFiles, store, log);
  const gallery = push(
    new GalleryPanel(context.extensionUri, store, galleryFiles, assetFiles, upscales, contactSheets, log, context.workspaceState),
  );
  const generate = new GenerateCommands(jobs, promptLanguage, context.globalStorageUri, log, store, providerAccess);
  const keys = new ApiKeyCommands(apiKeys);
  const providerCommands = new ProviderCommands(access, jobs, context.globalStorageUri, store);

  const tamsCredits = new TamsCreditCommands(access, promptLanguage, context.globalStorageUri);
  const commands = imageJobsCommands({
    generate,
    keys,
    jobs,
    jobCommands,
    jobsTree,
    gallery,
    assetFiles,
    upscales,
    providerCommands,
    tamsCredits,
    log,
  });
  for (const registration of registerCommands(commands, log)) push(registration);
  const tools = { generate: new GenerateImageTool(jobs, store, providerAccess, log), listImages: new ListImagesTool(galleryFiles) };
  for (const registration of registerImageTools(tools)) push(registration);
  push(new ProviderKeyContext(apiKeys));

  jobs.setFocused(vscode.window.state.focused);
  push(vscode.window.onDidChangeWindowState((state) => jobs.setFocused(state.focused)));
  jobs.resume();

  const jobChanged = push(new vscode.EventEmitter<string>());
  push(store.onDidChange((change) => jobChanged.fire(change.kind === 'upsert' ? change.job.id : change.id)));
  log.info(`[activate] ready in ${Date.now() - started} ms (${store.all().length} jobs restored)`);

  return {
    getJob: (id) => store.get(id),
    listJobs: () => store.all(),
    onDidChangeJob: jobChanged.event,
    hasApiKey: (provider) => apiKeys.has(provider),
    jobsTree,
    gallery,
    contactSheets,
  };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
