// Actions on an image file, named by its file rather than by a job (a file on disk may have no job
// record): insert a reference to it, open it or its sidecar, reveal, copy its prompt, move it and its
// sidecar to the trash (or delete them for good where there is none, asking once and saying so).
// Used by the gallery and by scripts (imageJobs.insertAsset with { uri } or { path }, imageJobs.gallery.delete).
import * as vscode from 'vscode';
import type { ReferenceInserter } from './referenceInsertion';
import { uriExists, uriFileName } from '../services/workspaceAssets';
import { describeError } from '../core/errors';
import type { GalleryEntry } from '../core/results/galleryIndex';
import type { GalleryFiles } from '../services/galleryFiles';
import { ArgumentError } from './commandRunner';
import type { AssetFileArgs } from './commandArgs';
import type { Log } from '../services/log';
import { trashFor, type Trash } from '../services/trash';

export interface AssetFile {
  readonly uri: vscode.Uri;
  /** The sidecar's account of the image; undefined for a file the gallery has not indexed. */
  readonly entry: GalleryEntry | undefined;
}

export class AssetFileCommands {
  constructor(
    private readonly files: GalleryFiles,
    private readonly references: ReferenceInserter,
    private readonly log?: Pick<Log, 'info'>,
  ) {}

  /** The file a request names: a URI as is; a relative path in whichever workspace folder has it. */
  async resolve(args: AssetFileArgs): Promise<AssetFile> {
    await this.files.current();
    let uri: vscode.Uri | undefined;
    if (args.uri) uri = vscode.Uri.parse(args.uri, true);
    else if (args.path && /^([a-zA-Z]:[\\/]|\/)/.test(args.path)) uri = vscode.Uri.file(args.path);
    else if (args.path) {
      const candidates = (vscode.workspace.workspaceFolders ?? []).map((folder) =>
        vscode.Uri.joinPath(folder.uri, ...args.path!.split(/[\\/]/)),
      );
      uri = candidates.find((candidate) => this.files.get(candidate)) ?? candidates[0];
    }
    if (!uri) throw new ArgumentError('Name the image by { uri } or by { path } inside an open folder.');
    return { uri, entry: this.files.get(uri) };
  }

  /** An image the gallery shows; anything else is refused (a request cannot name an arbitrary file). */
  private async indexed(args: AssetFileArgs): Promise<AssetFile & { readonly entry: GalleryEntry }> {
    const file = await this.resolve(args);
    if (!file.entry)
      throw new Error(`${vscode.workspace.asRelativePath(file.uri)} is not an image in the gallery (it has no Image Jobs sidecar).`);
    return { uri: file.uri, entry: file.entry };
  }

  /** Inserts a reference to the file where the user writes (ReferenceInserter.insert); returns the text inserted. */
  async insertReference(args: AssetFileArgs): Promise<string | undefined> {
    const { uri, entry } = await this.resolve(args);
    if (!(await uriExists(uri))) throw new Error(`${vscode.workspace.asRelativePath(uri)} does not exist.`);
    return this.references.insert({ uri, workspacePath: vscode.workspace.asRelativePath(uri), alt: entry?.prompt ?? uriFileName(uri) });
  }

  /** Opens the image in `column` (the gallery passes one that is not its own, so the gallery stays in view). */
  async open(args: AssetFileArgs, column = vscode.ViewColumn.One): Promise<void> {
    const { uri } = await this.indexed(args);
    await vscode.commands.executeCommand('vscode.open', uri, { preview: true, viewColumn: column });
  }

  async reveal(args: AssetFileArgs): Promise<void> {
    const { uri } = await this.indexed(args);
    await vscode.commands.executeCommand('revealInExplorer', uri);
  }

  /** Opens the image's JSON sidecar in a text editor: the prompt, parameters and job ids as written. */
  async openSidecar(args: AssetFileArgs, column = vscode.ViewColumn.One): Promise<void> {
    const { entry } = await this.indexed(args);
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(entry.sidecarUri), { preview: true, viewColumn: column });
  }

  async copyPrompt(args: AssetFileArgs): Promise<string> {
    const { entry } = await this.indexed(args);
    await vscode.env.clipboard.writeText(entry.prompt);
    return entry.prompt;
  }

  /** imageJobs.gallery.delete: true when the image and its sidecar went (to the trash, or for good where there is none). */
  async trash(args: AssetFileArgs): Promise<boolean> {
    return (await this.remove(args)) !== 'kept';
  }

  /**
   * Moves the image and its sidecar to the trash, or deletes them for good where there is none
   * (trashFor), after one modal that says which. Scripts pass `confirmed`, and `permanentIfNoTrash`
   * to allow deleting for good.
   */
  async remove(args: AssetFileArgs): Promise<Removal> {
    const { uri, entry } = await this.indexed(args);
    const name = uriFileName(uri);
    const trash = trashFor(uri);
    if (args.confirmed && !trash.available && !args.permanentIfNoTrash)
      throw new Error(`Kept ${name}: ${trash.why}, and permanentIfNoTrash was not given to delete it for good.`);
    if (!args.confirmed && !(await confirmRemoval(name, trash))) return 'kept';
    const sidecar = vscode.Uri.parse(entry.sidecarUri);
    let useTrash = trash.available;
    try {
      // the image first: should the trash refuse it after all, nothing has moved yet
      await vscode.workspace.fs.delete(uri, { useTrash });
    } catch (error) {
      if (!isNotFound(error)) {
        if (!useTrash || !(await this.deleteForGood(name, args, error)))
          throw new Error(`Could not ${useTrash ? 'move' : 'delete'} ${name}: ${describeError(error)}`, { cause: error });
        useTrash = false;
        await vscode.workspace.fs.delete(uri, { useTrash });
      }
    }
    try {
      await vscode.workspace.fs.delete(sidecar, { useTrash });
    } catch (error) {
      if (!isNotFound(error)) throw new Error(`Could not remove ${uriFileName(sidecar)}: ${describeError(error)}`, { cause: error });
    }
    this.files.forget(uri);
    return useTrash ? 'trashed' : 'deleted';
  }

  /**
   * The trash was expected but refused the file (a file system without one that trashFor did not
   * foresee): delete for good only if the user says so, or a script asked for it with `permanentIfNoTrash`.
   */
  private async deleteForGood(name: string, args: AssetFileArgs, error: unknown): Promise<boolean> {
    // the file system's own words name internal URIs: they go to the log, not the dialog
    this.log?.info(`[gallery] the trash refused ${name}: ${describeError(error)}`);
    if (args.confirmed) return args.permanentIfNoTrash === true;
    const choice = await vscode.window.showWarningMessage(
      `"${name}" could not be moved to the trash. Delete it and its sidecar for good?`,
      { modal: true, detail: 'They cannot be restored afterwards.' },
      DELETE_PERMANENTLY,
    );
    return choice === DELETE_PERMANENTLY;
  }
}

/** What became of an image the gallery was asked to delete. */
export type Removal = 'trashed' | 'deleted' | 'kept';

const MOVE_TO_TRASH = 'Move to Trash';
const DELETE_PERMANENTLY = 'Delete Permanently';

/** The one question before an image goes: to the trash where there is one, for good (and saying so) where not. */
async function confirmRemoval(name: string, trash: Trash): Promise<boolean> {
  if (trash.available) {
    const choice = await vscode.window.showWarningMessage(
      `Move "${name}" and its sidecar to the trash?`,
      { modal: true, detail: 'You can restore them from the trash.' },
      MOVE_TO_TRASH,
    );
    return choice === MOVE_TO_TRASH;
  }
  const choice = await vscode.window.showWarningMessage(
    `Permanently delete "${name}" and its sidecar?`,
    { modal: true, detail: `${trash.why}: they cannot be restored afterwards.` },
    DELETE_PERMANENTLY,
  );
  return choice === DELETE_PERMANENTLY;
}

function isNotFound(error: unknown): boolean {
  return error instanceof vscode.FileSystemError && error.code === 'FileNotFound';
}
