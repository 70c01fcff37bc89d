// imageJobs_listImages: what is in the gallery (the images on disk, found by their sidecars), newest
// first, filtered by words of the prompt or by model, with the parameters each was made with and a
// reference to insert. Read-only, so it runs in restricted mode too. Parsing, selecting and wording
// load with the engine on first use (listImagesText.ts).
import * as vscode from 'vscode';
import { engine } from '../services/engine';
import type { GalleryFiles } from '../services/galleryFiles';
import { galleryAsset } from '../webview/galleryAssets';
import { ImageReferences, resolveTargetDocument } from './toolDocuments';
import { textResult } from './toolResult';

export class ListImagesTool implements vscode.LanguageModelTool<unknown> {
  constructor(private readonly gallery: GalleryFiles) {}

  prepareInvocation(): vscode.PreparedToolInvocation {
    return { invocationMessage: 'Looking through the Image Jobs gallery…' };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<unknown>): Promise<vscode.LanguageModelToolResult> {
    const { parseListImagesInput, selectImages, imagesText } = engine();
    const input = parseListImagesInput(options.input);
    if (!input.ok) return problemsResult(input.problems);
    const target = input.value.targetDocument === undefined ? undefined : resolveTargetDocument(input.value.targetDocument);
    if (target && 'problem' in target) return problemsResult([target.problem]);
    // the disk, not only what the watcher has reported so far: an image saved a moment ago is listed
    await this.gallery.rescan();
    const assets = this.gallery
      .entries()
      .map((entry) => galleryAsset(entry, '', vscode.workspace.asRelativePath(vscode.Uri.parse(entry.imageUri))));
    const { shown, matched } = selectImages(assets, input.value);
    const references = new ImageReferences(target);
    const listed = shown.map((asset) => ({ asset, reference: references.reference(vscode.Uri.parse(asset.uri), asset.prompt) }));
    return textResult(imagesText(listed, { matched, total: assets.length }, references.relativeTo));
  }
}

function problemsResult(problems: readonly string[]): vscode.LanguageModelToolResult {
  return textResult(['The input has problems:', ...problems.map((problem) => `- ${problem}`)].join('\n'));
}
