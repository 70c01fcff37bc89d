// Actions on an image file, named by its file rather than by a job (a file on disk may have no job
// record): insert a reference to it, open it or its sidecar, reveal, copy its prompt, move it and its
// sidecar to the trash.
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

  /**
   * Moves the image and its sidecar to the trash, after a modal confirmation. Where the file system
   * has no trash (code-server's remote one), a second modal offers to delete them for good. True when
   * they went.
   */
  async trash(args: AssetFileArgs): Promise<boolean> {
    const { uri, entry } = await this.indexed(args);
    const name = uriFileName(uri);
    if (!args.confirmed) {
      const choice = await vscode.window.showWarningMessage(
        `Move "${name}" and its sidecar to the trash?`,
        { modal: true, detail: 'You can restore them from the trash.' },
        'Move to Trash',
      );
      if (choice !== 'Move to Trash') return false;
    }
    const sidecar = vscode.Uri.parse(entry.sidecarUri);
    let useTrash = true;
    try {
      // the image first: where there is no trash this fails before anything moves
      await vscode.workspace.fs.delete(uri, { useTrash });
    } catch (error) {
      if (!isNotFound(error)) {
        if (!(await this.deleteForGood(name, args, error))) {
          if (args.confirmed) throw new Error(`Could not move ${name} to the trash: ${describeError(error)}`, { cause: error });
          return false; // the user chose to keep them
        }
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
    return true;
  }

  /**
   * The file system refused the trash (code-server's remote one has none): delete for good only if the
   * user says so in a second modal, or a script asked for it with `permanentIfNoTrash`.
   */
  private async deleteForGood(name: string, args: AssetFileArgs, error: unknown): Promise<boolean> {
    if (args.confirmed) return args.permanentIfNoTrash === true;
    // the file system's own words name internal URIs: they go to the log, not the dialog
    this.log?.info(`[gallery] no trash for ${name}: ${describeError(error)}`);
    const choice = await vscode.window.showWarningMessage(
      `"${name}" cannot be moved to the trash here (VS Code in a browser has none). Delete it and its sidecar for good?`,
      { modal: true, detail: 'They cannot be restored afterwards.' },
      'Delete Permanently',
    );
    return choice === 'Delete Permanently';
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof vscode.FileSystemError && error.code === 'FileNotFound';
}
