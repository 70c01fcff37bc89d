import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { JobStore } from '../core/jobs/jobStore';
import {
  GALLERY_VIEW_TYPE,
  galleryKeptStateSchema,
  type GalleryAsset,
  type GalleryKeptState,
  type GalleryRequest,
  type GallerySort,
  type GalleryToHostMessage,
  type HostToGalleryMessage,
  type SaveContactSheetRequest,
} from '../shared/webviewProtocol';
import { DisposableOwner, disposeAll } from '../services/disposables';
import type { GalleryFiles } from '../services/galleryFiles';
import type { Log } from '../services/log';
import { assetPages, galleryAsset, lineage, liveJobs, resourceRoots } from './galleryAssets';
import { sweepJobStates } from '../core/results/sweepJobs';
import { readGalleryMessage } from './galleryMessages';
import { describeError } from '../core/errors';
import { trashFor } from '../services/trash';

const UPDATE_DEBOUNCE_MS = 100;
/**
 * How long after a panel shows the images it already knows it looks at the disk again: the look
 * (a search and a stat of each file) waits until the page has fetched its first screen, not before.
 */
const RESCAN_DELAY_MS = 1500;
/** Workspace state key: the gallery's sort and grid, for a panel opened after the last one was closed. */
const KEPT_STATE_KEY = 'imageJobs.gallery.keptState';

function nonce(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The gallery of the images on disk (GalleryFiles), plus the jobs of this window still running. One
 * panel at most; restored after a reload by its serializer.
 */
/** What the gallery's buttons do to an image file (the commands side implements it: AssetFileCommands). */
export interface GalleryFileActions {
  insertReference(target: { readonly uri: string }): Promise<string | undefined>;
  open(target: { readonly uri: string }, column: vscode.ViewColumn): Promise<void>;
  reveal(target: { readonly uri: string }): Promise<void>;
  openSidecar(target: { readonly uri: string }, column: vscode.ViewColumn): Promise<void>;
  copyPrompt(target: { readonly uri: string }): Promise<string>;
  /** To the trash, or for good where there is none (after one question that says which). */
  remove(target: { readonly uri: string }): Promise<'trashed' | 'deleted' | 'kept'>;
}

/** Jobs the gallery starts from an image (the commands side implements it: UpscaleCommands). */
export interface GalleryDerivations {
  /** Resolves with the new job's id, or undefined when the user declined (a missing key). */
  upscale(target: { readonly uri: string }, interactive: boolean): Promise<string | undefined>;
}

/** "Save contact sheet" (services/contactSheets.ts): writes the grid's page as one PNG, says where, and opens it. */
export interface GalleryContactSheets {
  save(request: SaveContactSheetRequest): Promise<Reply>;
  /** Whether `uri` is a sheet it wrote: the one kind of file besides the gallery's images that Open may name. */
  wrote(uri: string): boolean;
  open(uri: string, column: vscode.ViewColumn): Promise<void>;
}

/** Whether a file can go to the trash, asked once per URI scheme of a listing (services/trash.ts). */
function trashableByScheme(): (uri: string) => boolean {
  const known = new Map<string, boolean>();
  return (uri) => {
    const parsed = vscode.Uri.parse(uri);
    if (!known.has(parsed.scheme)) known.set(parsed.scheme, trashFor(parsed).available);
    return known.get(parsed.scheme)!;
  };
}

/** The reply to a delete: what became of the image. */
const REMOVALS = { trashed: 'Moved to the trash', deleted: 'Deleted', kept: 'Kept' } as const;

/** What the host answers a request: words for the status beside its button, and a file the gallery may offer to open. */
type Reply = string | { readonly message: string; readonly file: string };

export class GalleryPanel extends DisposableOwner {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private rescanTimer: ReturnType<typeof setTimeout> | undefined;
  /** The panel opened with images already indexed: look at the disk again once its page has shown them. */
  private rescanWanted = false;
  private ready = false;
  /** What the panel lists now (workspace-relative paths), for tests and scripts. */
  private shown: readonly string[] = [];
  /** The folders its page may load images from (URI strings), besides its own UI's: see resourceRoots. */
  private roots: readonly string[] = [];
  /** How the page sorts, so the first page of images sent is its first screen. */
  private sort: GallerySort = 'newest';
  /** The listing last posted, numbered, and what it held: the same listing is not posted (and drawn) again. */
  private update = 0;
  private posted: string | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: JobStore,
    private readonly files: GalleryFiles,
    private readonly fileCommands: GalleryFileActions,
    private readonly derivations: GalleryDerivations,
    private readonly contactSheets: GalleryContactSheets,
    private readonly log: Log,
    /** The workspace's state: where the gallery's sort and grid outlive a closed panel. */
    private readonly memento: vscode.Memento,
  ) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(GALLERY_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.attach(panel),
      }),
    );
    this.register(store.onDidChange(() => this.scheduleUpdate()));
    this.register(files.onDidChange(() => this.scheduleUpdate()));
    this.register({
      dispose: () => {
        clearTimeout(this.updateTimer);
        clearTimeout(this.rescanTimer);
        this.panel?.dispose();
      },
    });
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      GALLERY_VIEW_TYPE,
      'Image Jobs Gallery',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: false },
    );
    this.attach(panel);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** The images the panel lists now, as workspace-relative paths. */
  listed(): readonly string[] {
    return this.shown;
  }

  /**
   * Narrow roots: our built UI, the output folders jobs save into and the folders the indexed images
   * live in, nothing else. Known before the first scan (the output folders), so the page a panel
   * opens with need not be reloaded when the images come (new roots reload it: they only grow).
   */
  private webviewOptions(): vscode.WebviewOptions {
    const needed = [...this.files.outputFolders(), ...this.files.folders()].map(String);
    this.roots = resourceRoots(this.roots, needed);
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), ...this.roots.map((root) => vscode.Uri.parse(root))],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.roots = [];
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity-bar.svg');
    panel.webview.options = this.webviewOptions(); // reset on restore, as restored panels keep stale options
    panel.webview.html = this.html(panel.webview);
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => {
        clearTimeout(this.rescanTimer);
        this.panel = undefined;
        this.shown = [];
        disposeAll(this.panelDisposables);
      }),
    ];
    // the first open in a window scans now; later ones show what is indexed, and look again after (ready)
    this.rescanWanted = this.files.scanned;
    if (!this.rescanWanted) void this.files.ready().catch((error: unknown) => this.warnScan(error));
  }

  private warnScan(error: unknown): void {
    this.log.warn(`[gallery] could not scan for images: ${String(error)}`);
  }

  private html(webview: vscode.Webview): string {
    const scriptNonce = nonce();
    const ui = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', file));
    const csp = [
      `default-src 'none'`,
      `img-src ${webview.cspSource}`,
      `style-src ${webview.cspSource}`,
      `script-src 'nonce-${scriptNonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${ui('gallery.css')}">
<title>Image Jobs Gallery</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${scriptNonce}" src="${ui('gallery.js')}"></script>
</body>
</html>`;
  }

  private scheduleUpdate(): void {
    if (!this.panel || !this.ready) return;
    clearTimeout(this.updateTimer);
    this.updateTimer = setTimeout(() => this.postAssets(), UPDATE_DEBOUNCE_MS);
  }

  /** Posts the listing, unless it is the one posted last: the first page (the page's first screen) first, then the rest. */
  private postAssets(): void {
    const panel = this.panel;
    if (!panel) return;
    clearTimeout(this.updateTimer); // this is the update a pending one would post
    const roots = this.roots;
    const options = this.webviewOptions();
    if (this.roots !== roots) panel.webview.options = options; // reloads the page, which asks again (ready)
    const entries = this.files.entries();
    const listed = new Set(entries.map((entry) => entry.imageUri));
    const context = {
      lineage: lineage(entries),
      listed: (uri: string) => listed.has(uri),
      trusted: vscode.workspace.isTrusted,
      trashable: trashableByScheme(),
    };
    const assets: GalleryAsset[] = entries.map((entry) => {
      const uri = vscode.Uri.parse(entry.imageUri);
      return galleryAsset(entry, panel.webview.asWebviewUri(uri).toString(), vscode.workspace.asRelativePath(uri), context);
    });
    this.shown = assets.map((asset) => asset.path);
    const jobs = this.store.all();
    const [first = [], ...more] = assetPages(assets, this.sort);
    const listing = { live: liveJobs(jobs), sweepJobs: sweepJobStates(jobs) };
    const content = JSON.stringify([first, more, listing]);
    if (content === this.posted) return;
    this.posted = content;
    const update = ++this.update;
    this.post({ type: 'assets', update, assets: first, total: assets.length, ...listing });
    for (const page of more) this.post({ type: 'moreAssets', update, assets: page });
  }

  private post(message: HostToGalleryMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const read = readGalleryMessage(raw);
    if (read.ok) void this.onMessage(read.message);
    else this.log.warn(`[gallery] ignored a malformed message from the webview: ${read.problem}`);
  }

  /** What the last panel kept; anything of another shape (another version wrote it) is nothing. */
  private keptState(): GalleryKeptState | undefined {
    const read = galleryKeptStateSchema.safeParse(this.memento.get(KEPT_STATE_KEY));
    return read.success ? read.data : undefined;
  }

  private async onMessage(message: GalleryToHostMessage): Promise<void> {
    if (message.type === 'ready') {
      this.ready = true;
      this.posted = undefined; // a new page (opened, reloaded): it has nothing yet
      // the page takes it only when it has no state of its own (a new panel, not a hidden or restored one)
      const kept = this.keptState();
      if (kept) this.post({ type: 'restore', state: kept });
      this.sort = message.sort ?? kept?.sort ?? 'newest';
      // the first open in a window: the images once the first scan is done, not an empty gallery before it
      if (this.files.scanned) this.postAssets();
      else
        void this.files.ready().then(
          () => this.postAssets(),
          () => this.postAssets(),
        );
      if (this.rescanWanted) {
        this.rescanWanted = false;
        clearTimeout(this.rescanTimer);
        this.rescanTimer = setTimeout(() => void this.files.rescan().catch((error: unknown) => this.warnScan(error)), RESCAN_DELAY_MS);
      }
      return;
    }
    if (message.type === 'uiState') {
      if (message.state.sort) this.sort = message.state.sort;
      await Promise.resolve(this.memento.update(KEPT_STATE_KEY, message.state)).catch((error: unknown) =>
        this.log.warn(`[gallery] could not keep the gallery's grid for next time: ${describeError(error)}`),
      );
      return;
    }
    try {
      const reply = await this.handle(message);
      this.post({ type: 'reply', requestId: message.requestId, ok: true, ...(typeof reply === 'string' ? { message: reply } : reply) });
    } catch (error) {
      const text = describeError(error);
      this.log.warn(`[gallery] ${message.type} failed: ${text}`);
      this.post({ type: 'reply', requestId: message.requestId, ok: false, message: text });
    }
  }

  /** Where a file opened from the gallery goes: the first editor column, or the second when the gallery is the first. */
  private besideGallery(): vscode.ViewColumn {
    return this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  }

  /** Acts on an image the gallery lists (the file commands refuse any URI the index does not hold), or opens a saved sheet. */
  private async handle(request: GalleryRequest | SaveContactSheetRequest): Promise<Reply> {
    if (request.type === 'saveContactSheet') return this.contactSheets.save(request);
    const target = { uri: request.uri };
    switch (request.type) {
      case 'insert': {
        if (!this.files.get(vscode.Uri.parse(request.uri, true))) throw new Error('That image is no longer in the gallery.');
        const text = await this.fileCommands.insertReference(target);
        return text ? `Inserted ${text}` : 'Copied the path to the clipboard';
      }
      case 'open':
        // the sheet a "Saved …" reply offers; anything else must be an image of the gallery
        if (this.contactSheets.wrote(request.uri)) await this.contactSheets.open(request.uri, this.besideGallery());
        else await this.fileCommands.open(target, this.besideGallery());
        return 'Opened';
      case 'reveal':
        await this.fileCommands.reveal(target);
        return 'Revealed';
      case 'openSidecar':
        await this.fileCommands.openSidecar(target, this.besideGallery());
        return 'Opened the sidecar';
      case 'copyPrompt':
        await this.fileCommands.copyPrompt(target);
        return 'Prompt copied';
      case 'delete':
        try {
          return REMOVALS[await this.fileCommands.remove(target)];
        } finally {
          // its question (a modal) took the focus, and the workbench gives it back to the editor area, not
          // into a webview: the page puts it on the card now in the image's place (webview-ui/src/cardFocus.ts)
          this.panel?.reveal(this.panel.viewColumn, false);
        }
      case 'upscale': {
        if (!this.files.get(vscode.Uri.parse(request.uri, true))) throw new Error('That image is no longer in the gallery.');
        const id = await this.derivations.upscale(target, true);
        const job = id === undefined ? undefined : this.store.get(id);
        if (job?.status === 'failed') throw new Error(job.error?.message ?? 'The upscale failed.');
        return id ? 'Upscaling: see the Jobs view' : 'Not started';
      }
    }
  }
}
