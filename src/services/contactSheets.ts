// "Save contact sheet": a page of a sweep's grid, as the gallery shows it, written as one labelled PNG
// beside the batch's images, with a sidecar listing every cell's provenance. Laid out from the files
// on disk (GalleryFiles), as the gallery is; a name already taken gets a number, never overwritten.
import * as vscode from 'vscode';
import { uriExists, uriFileName } from './workspaceAssets';
import type { JobStore } from '../core/jobs/jobStore';
import { slugFromPrompt, uniqueFileName } from '../core/results/assetNaming';
import type { GalleryEntry } from '../core/results/galleryIndex';
import { MAX_SIDECAR_BYTES } from '../core/results/galleryIndex';
import { normalizedSource } from '../core/results/provenance';
import { sweepJobStates } from '../core/results/sweepJobs';
import type { SaveContactSheetRequest } from '../shared/webviewProtocol';
import { engine } from './engine';
import type { GalleryFiles } from './galleryFiles';
import type { Log } from './log';

/** Where a sheet was written, for the reply and for tests. */
export interface SavedSheet {
  readonly image: vscode.Uri;
  readonly sidecar: vscode.Uri;
}

const FAILED_STATES = new Set(['failed', 'cancelled', 'expired']);

/** The URI of the workspace folder holding `uri`, if one does. */
function workspaceFolderOf(uri: string): string | undefined {
  try {
    return vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(uri, true))?.uri.toString();
  } catch {
    return undefined;
  }
}

/**
 * A sidecar's JSON as written (the whole provenance, not only what the gallery reads); undefined if
 * unreadable. An older sidecar's absolute `source` URI is made relative, as new sidecars record it,
 * so the sheet's sidecar (a file users commit) holds no machine path.
 */
async function readProvenance(entry: GalleryEntry): Promise<unknown> {
  try {
    const uri = vscode.Uri.parse(entry.sidecarUri);
    if ((await vscode.workspace.fs.stat(uri)).size > MAX_SIDECAR_BYTES) return undefined;
    const provenance = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as unknown;
    if (typeof provenance !== 'object' || provenance === null || !('source' in provenance)) return provenance;
    return { ...provenance, source: normalizedSource(provenance.source, workspaceFolderOf) };
  } catch {
    return undefined;
  }
}

export class ContactSheets {
  constructor(
    private readonly files: GalleryFiles,
    private readonly store: JobStore,
    private readonly log: Log,
  ) {}

  /** The sheets this window wrote: the only files besides the gallery's images that its Open may name. */
  private readonly written = new Set<string>();

  /** For the gallery: the reply it shows beside the button, and the sheet it offers to open. */
  async save(request: SaveContactSheetRequest): Promise<{ readonly message: string; readonly file: string }> {
    const saved = await this.write(request);
    return { message: `Saved ${vscode.workspace.asRelativePath(saved.image)}`, file: saved.image.toString() };
  }

  /** Whether `uri` names a sheet this window wrote (and so the gallery's Open may open it). */
  wrote(uri: string): boolean {
    return this.written.has(uri);
  }

  /** Opens a sheet this window wrote in `column` (the gallery's Open passes one that is not its own). */
  async open(uri: string, column: vscode.ViewColumn): Promise<void> {
    if (!this.wrote(uri)) throw new Error('That is not a contact sheet saved in this window.');
    const image = vscode.Uri.parse(uri, true);
    if (!(await uriExists(image))) throw new Error(`${vscode.workspace.asRelativePath(image)} is no longer there.`);
    await vscode.commands.executeCommand('vscode.open', image, { preview: true, viewColumn: column });
  }

  async write(request: Omit<SaveContactSheetRequest, 'type' | 'requestId'>): Promise<SavedSheet> {
    const started = Date.now();
    await this.files.ready();
    // layout, font and PNG decoder load with the engine, not at activation
    const sheet = engine();
    const plan = sheet.planContactSheet(this.files.entries(), sweepJobStates(this.store.all()), request.batchId, request);
    if (!plan) throw new Error('That sweep has no image in the gallery any more.');
    const { batch, layout } = plan;
    const folder = vscode.Uri.joinPath(
      vscode.Uri.parse((layout.cells.flat().find((cell) => cell.images.length)?.images[0] ?? batch.images[0]!).imageUri),
      '..',
    );
    const base = `contact-sheet-${slugFromPrompt(batch.images[0]!.prompt, 4)}-${[layout.rows!.key, layout.columns?.key].filter(Boolean).join('-by-')}`;
    const sidecarName = (png: string) => `${png.slice(0, -'.png'.length)}.json`;
    const name = await uniqueFileName(
      base,
      'png',
      async (candidate) =>
        (await uriExists(vscode.Uri.joinPath(folder, candidate))) || uriExists(vscode.Uri.joinPath(folder, sidecarName(candidate))),
    );
    const image = vscode.Uri.joinPath(folder, name);
    const sidecar = vscode.Uri.joinPath(folder, sidecarName(name));

    const contents = [];
    for (const row of layout.cells) {
      const cells = [];
      for (const cell of row) {
        const first = cell.images[0];
        if (first)
          cells.push(
            await vscode.workspace.fs.readFile(vscode.Uri.parse(first.imageUri)).then(
              (bytes) => ({ bytes }),
              () => ({ note: 'unreadable' }),
            ),
          );
        else
          cells.push({
            note: cell.job ? cell.job.status : 'no image',
            failed: cell.job !== undefined && FAILED_STATES.has(cell.job.status),
          });
      }
      contents.push(cells);
    }
    const geometry = sheet.sheetGeometry(layout, sheet.sheetTitle(batch, layout));
    const png = sheet.renderContactSheet(geometry, contents, sheet.sheetParameters(batch, layout));

    const provenance = new Map<GalleryEntry, unknown>();
    for (const entry of layout.cells.flat().flatMap((cell) => cell.images)) provenance.set(entry, await readProvenance(entry));
    const relative = (entry: GalleryEntry) => {
      const prefix = `${folder.toString()}/`;
      return entry.imageUri.startsWith(prefix)
        ? decodeURIComponent(entry.imageUri.slice(prefix.length))
        : vscode.workspace.asRelativePath(vscode.Uri.parse(entry.imageUri));
    };
    const record = {
      generator: 'image-jobs',
      kind: 'contact-sheet',
      version: 1,
      file: name,
      batchId: batch.batchId,
      keys: batch.keys,
      shape: batch.shape,
      rows: layout.rows!.key,
      columns: layout.columns?.key ?? null,
      page: Object.fromEntries(layout.pageAxes.map((axis) => [axis.key, batch.values[axis.axis]![axis.index] ?? null])),
      createdAt: new Date().toISOString(),
      cells: sheet.sheetCells(batch, layout, (entry) => ({ file: relative(entry), provenance: provenance.get(entry) ?? null })),
    };
    // the sidecar first: a sheet must never be on disk without the record of what is in it
    await vscode.workspace.fs.writeFile(sidecar, Buffer.from(`${JSON.stringify(record, null, 2)}\n`));
    await vscode.workspace.fs.writeFile(image, png);
    this.written.add(image.toString());
    this.log.info(
      `[gallery] contact sheet ${vscode.workspace.asRelativePath(image)}: ${layout.total} cells, ${geometry.width}×${geometry.height}, ${Date.now() - started} ms (${uriFileName(sidecar)})`,
    );
    return { image, sidecar };
  }
}
