import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { JobStore } from '../core/jobs/jobStore';
import { GALLERY_VIEW_TYPE, type GalleryRequest, type GalleryToHostMessage, type HostToGalleryMessage } from '../shared/webviewProtocol';
import type { Log } from '../services/log';
import { assetUri, savedAssetUri } from '../services/workspaceAssets';
import type { JobCommands } from '../commands/jobCommands';
import { galleryAssets, requestedAsset } from './galleryAssets';
import { readGalleryMessage } from './galleryMessages';

const UPDATE_DEBOUNCE_MS = 100;

function nonce(): string {
  return randomBytes(18).toString('base64url');
}

/** The gallery of saved results. One panel at most; restored after a reload by its serializer. */
export class GalleryPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private ready = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: JobStore,
    private readonly jobCommands: JobCommands,
    private readonly log: Log,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(GALLERY_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.attach(panel),
      }),
      store.onDidChange(() => this.scheduleUpdate()),
    );
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
      {
        enableScripts: true,
        retainContextWhenHidden: false,
      },
    );
    this.attach(panel);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  private assetFolders(): vscode.Uri[] {
    const folders = new Map<string, vscode.Uri>();
    for (const job of this.store.all()) {
      for (const asset of job.assets) {
        const folder = vscode.Uri.joinPath(savedAssetUri(job, asset), '..');
        folders.set(folder.toString(), folder);
      }
      if (job.output.folder) {
        const folder = assetUri(job.output.root, job.output.folder);
        folders.set(folder.toString(), folder);
      }
    }
    return [...folders.values()];
  }

  private webviewOptions(): vscode.WebviewOptions {
    // narrow roots: our built UI and the folders results were saved in, nothing else
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), ...this.assetFolders()],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity-bar.svg');
    panel.webview.options = this.webviewOptions(); // reset on restore, as restored panels keep stale options
    panel.webview.html = this.html(panel.webview);
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => {
        this.panel = undefined;
        for (const disposable of this.panelDisposables) disposable.dispose();
        this.panelDisposables = [];
      }),
    ];
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

  private postAssets(): void {
    const panel = this.panel;
    if (!panel) return;
    const options = this.webviewOptions();
    const roots = options.localResourceRoots?.map(String).join('|');
    if (roots !== panel.webview.options.localResourceRoots?.map(String).join('|')) panel.webview.options = options;
    const assets = this.store
      .all()
      .flatMap((job) => galleryAssets(job, (asset) => panel.webview.asWebviewUri(savedAssetUri(job, asset)).toString()));
    this.post({ type: 'assets', assets });
  }

  private post(message: HostToGalleryMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const read = readGalleryMessage(raw);
    if (read.ok) void this.onMessage(read.message);
    else this.log.warn(`[gallery] ignored a malformed message from the webview: ${read.problem}`);
  }

  private async onMessage(message: GalleryToHostMessage): Promise<void> {
    if (message.type === 'ready') {
      this.ready = true;
      this.postAssets();
      return;
    }
    try {
      const reply = await this.handle(message);
      this.post({ type: 'reply', requestId: message.requestId, ok: true, message: reply });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.log.warn(`[gallery] ${message.type} failed: ${text}`);
      this.post({ type: 'reply', requestId: message.requestId, ok: false, message: text });
    }
  }

  private async handle(request: GalleryRequest): Promise<string> {
    const job = this.store.get(request.jobId);
    if (!job) throw new Error('That job no longer exists.');
    if (request.type === 'copyPrompt') {
      await vscode.env.clipboard.writeText(job.request.prompt);
      return 'Prompt copied';
    }
    const target = requestedAsset(job, request);
    if (!target) throw new Error('That image is no longer part of the job.');
    switch (request.type) {
      case 'insert': {
        const text = await this.jobCommands.insertAsset({ jobId: job.id, index: target.index });
        return text ? `Inserted ${text}` : 'Copied the path to the clipboard';
      }
      case 'open':
        await vscode.commands.executeCommand('vscode.open', savedAssetUri(job, target.asset), {
          preview: true,
          viewColumn: vscode.ViewColumn.One,
        });
        return 'Opened';
      case 'reveal':
        await vscode.commands.executeCommand('revealInExplorer', savedAssetUri(job, target.asset));
        return 'Revealed';
    }
  }

  dispose(): void {
    clearTimeout(this.updateTimer);
    this.panel?.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
