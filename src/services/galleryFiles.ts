// The images on disk the gallery shows: found through their sidecars (a bounded findFiles over the
// workspace, the output folder first), kept current by a FileSystemWatcher and by the jobs of this
// window as they save. Files, not job history, so every browser, profile and window sees the same
// images, and clearing history keeps them. Started on first use, not at activation.
import * as vscode from 'vscode';
import type { JobStore } from '../core/jobs/jobStore';
import {
  GalleryIndex,
  IMAGE_EXTENSIONS,
  MAX_SIDECAR_BYTES,
  readSidecar,
  sidecarUriFor,
  type GalleryEntry,
} from '../core/results/galleryIndex';
import { assetUri } from './workspaceAssets';
import * as config from './config';
import { DisposableOwner } from './disposables';
import type { Log } from './log';

/** At most this many `.json` files are looked at in a workspace scan. */
const MAX_SCANNED_FILES = 5000;
const EXCLUDED = '**/{node_modules,.git,.vscode-test,dist,out}/**';
/** Files read at once: each read waits on the file system (a remote one, in a browser), not on the CPU. */
const READS_IN_PARALLEL = 24;
const SETTLE_MS = 150;

function isSidecarName(uri: vscode.Uri): boolean {
  return uri.path.toLowerCase().endsWith('.json');
}

export class GalleryFiles extends DisposableOwner {
  private readonly index = new GalleryIndex();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires, settled, when images came, went or changed. */
  readonly onDidChange = this.changed.event;
  private started: Promise<void> | undefined;
  private scanning: Promise<void> | undefined;
  private pendingReads = new Map<string, vscode.Uri>();
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  /** The reads flushed so far, in order: `current()` waits for them. */
  private flushing: Promise<void> = Promise.resolve();
  private firstScanDone = false;

  constructor(
    private readonly store: JobStore,
    private readonly log: Log,
  ) {
    super();
    this.register({ dispose: () => clearTimeout(this.readTimer) });
  }

  /** Scans and starts watching, once; resolves when the first scan is done. */
  ready(): Promise<void> {
    return (this.started ??= this.start());
  }

  /**
   * Ready, and the sidecars already queued read: what a request naming a file must see, such as the
   * files a job saved a moment ago (their reads wait out a short settle otherwise).
   */
  async current(): Promise<void> {
    await this.ready();
    if (this.pendingReads.size > 0) {
      clearTimeout(this.readTimer);
      void this.flushReads();
    }
    await this.flushing;
  }

  get(uri: vscode.Uri): GalleryEntry | undefined {
    return this.index.get(uri.toString());
  }

  entries(): GalleryEntry[] {
    return this.index.entries();
  }

  /** Whether the first scan is done: until then `entries()` holds only what was read so far. */
  get scanned(): boolean {
    return this.firstScanDone;
  }

  /** Every folder an indexed image lives in: the webview may load images from these only. */
  folders(): vscode.Uri[] {
    return this.index.folders().map((folder) => vscode.Uri.parse(folder));
  }

  /** The output folder (`imageJobs.output.folder`) of each workspace folder, where jobs save: scanned first. */
  outputFolders(): vscode.Uri[] {
    const outputFolder = config
      .getTrusted('output.folder')
      .replace(/\\/g, '/')
      .replace(/^\.?\/+|\/+$/g, '');
    if (!outputFolder || outputFolder.includes('..')) return [];
    return (vscode.workspace.workspaceFolders ?? []).map((folder) => vscode.Uri.joinPath(folder.uri, outputFolder));
  }

  /** Drops an image at once (after deleting it), without waiting for the watcher. */
  forget(image: vscode.Uri): void {
    if (this.index.remove(image.toString())) this.changed.fire();
  }

  private async start(): Promise<void> {
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(`**/*.{json,${IMAGE_EXTENSIONS.join(',')}}`));
    this.register(watcher.onDidCreate((uri) => this.onCreateOrChange(uri)));
    this.register(watcher.onDidChange((uri) => this.onCreateOrChange(uri)));
    this.register(watcher.onDidDelete((uri) => this.onDelete(uri)));
    // a job of this window that saved: read its sidecars now (its folder may be outside the workspace)
    this.register(
      this.store.onDidChange((change) => {
        if (change.kind !== 'upsert' || change.job.status !== 'succeeded') return;
        for (const asset of change.job.assets) this.queueRead(assetUri(change.job.output.root, asset.sidecarPath));
      }),
    );
    await this.scan();
  }

  /**
   * Looks at the disk again (the panel does a moment after each open): catches what the watcher
   * cannot report, such as a deleted folder, or files written while it was starting. A file as it was
   * at the last look is not read again; `onDidChange` fires only when something changed.
   */
  rescan(): Promise<void> {
    if (!this.started) return this.ready();
    return this.started.then(() => (this.scanning ??= this.scan().finally(() => (this.scanning = undefined))));
  }

  private async scan(): Promise<void> {
    const started = Date.now();
    const sidecars = await this.findSidecars();
    const found = Date.now();
    const before = new Set(this.index.entries().map((entry) => entry.sidecarUri));
    let changed = false;
    let reread = 0;
    // a pool, not batches: one slow file does not hold up the others
    let next = 0;
    const worker = async () => {
      while (next < sidecars.length) {
        const read = await this.read(sidecars[next++]!, true);
        changed = read.changed || changed;
        if (read.read) reread++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_IN_PARALLEL, sidecars.length) }, worker));
    for (const uri of sidecars) before.delete(uri.toString());
    // no longer found: dropped, except outside the workspace (a job's folder the scan does not cover)
    for (const sidecar of before)
      if (vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(sidecar))) changed = this.index.remove(sidecar) || changed;
    this.firstScanDone = true;
    this.log.info(
      `[gallery] indexed ${this.index.size} images from ${sidecars.length} .json files in ${Date.now() - started} ms ` +
        `(found in ${found - started} ms; ${reread} read, the others unchanged since the last scan)`,
    );
    // only a change: an open gallery posts and draws its images again on each
    if (changed) this.changed.fire();
  }

  /**
   * The output folder of each workspace folder first (even if an exclude hides it), then the rest; the
   * searches run at once, each one waits on the workspace's search (ripgrep), not on this host.
   */
  private async findSidecars(): Promise<vscode.Uri[]> {
    const searches = [
      ...this.outputFolders().map((folder) =>
        vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.json'), null, MAX_SCANNED_FILES),
      ),
      vscode.workspace.findFiles('**/*.json', EXCLUDED, MAX_SCANNED_FILES),
    ];
    const found = new Map<string, vscode.Uri>();
    for (const uri of (await Promise.all(searches)).flat()) {
      if (found.size >= MAX_SCANNED_FILES) break;
      found.set(uri.toString(), uri);
    }
    return [...found.values()];
  }

  /**
   * Reads one `.json` file: indexed when it is the sidecar of an image that exists. `skipUnchanged`
   * (a scan): a file whose modification time and size are those of its last read is not read again,
   * only its image looked for. Says whether the index changed, and whether the file was read.
   */
  private async read(sidecar: vscode.Uri, skipUnchanged = false): Promise<{ changed: boolean; read: boolean }> {
    const key = sidecar.toString();
    try {
      const stat = await vscode.workspace.fs.stat(sidecar);
      const stamp = `${stat.mtime}:${stat.size}`;
      if (skipUnchanged && this.index.isCurrent(key, stamp)) {
        const entry = this.index.entryOf(key);
        if (entry) await vscode.workspace.fs.stat(vscode.Uri.parse(entry.imageUri)); // throws when the image is gone
        return { changed: false, read: false };
      }
      if (stat.size > MAX_SIDECAR_BYTES) return { changed: this.index.refuse(key, stamp), read: false };
      const sibling = (uri: string, name: string) => vscode.Uri.joinPath(vscode.Uri.parse(uri), '..', name).toString();
      const read = readSidecar(key, await vscode.workspace.fs.readFile(sidecar), sibling);
      if (!read.ok) {
        if (read.problem !== 'not JSON') this.log.debug(`[gallery] skipped ${vscode.workspace.asRelativePath(sidecar)}: ${read.problem}`);
        return { changed: this.index.refuse(key, stamp), read: true };
      }
      await vscode.workspace.fs.stat(vscode.Uri.parse(read.entry.imageUri)); // throws when the image is gone
      const previous = this.index.entryOf(key);
      const changed = !previous || JSON.stringify(previous) !== JSON.stringify(read.entry);
      return { changed: this.index.put(read.entry, stamp) && changed, read: true };
    } catch {
      return { changed: this.index.remove(key), read: true };
    }
  }

  /** Reads come in bursts (a job saves several files): settle, then read each file once. */
  private queueRead(uri: vscode.Uri): void {
    this.pendingReads.set(uri.toString(), uri);
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => void this.flushReads(), SETTLE_MS);
  }

  private flushReads(): Promise<void> {
    const uris = [...this.pendingReads.values()];
    this.pendingReads = new Map();
    return (this.flushing = this.flushing.then(() => this.readAll(uris)));
  }

  private async readAll(uris: readonly vscode.Uri[]): Promise<void> {
    let changed = false;
    for (const uri of uris) changed = (await this.read(uri)).changed || changed;
    if (changed && !this.isDisposed) this.changed.fire();
  }

  private onCreateOrChange(uri: vscode.Uri): void {
    if (isSidecarName(uri)) return this.queueRead(uri);
    // an image came back (restored from the trash, copied in): its sidecar says what it is
    const sidecar = sidecarUriFor(uri.toString());
    if (sidecar) this.queueRead(vscode.Uri.parse(sidecar));
  }

  private onDelete(uri: vscode.Uri): void {
    const key = uri.toString();
    if (this.index.remove(key) || this.index.removeUnder(key)) this.changed.fire();
  }
}
