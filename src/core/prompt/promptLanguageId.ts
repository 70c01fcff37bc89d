// What makes a document a .prompt file, in one place: the language id package.json gives the
// extension, or the file's name when the user set another language for it (VS Code matches a
// language's extensions regardless of case, so `.PROMPT` counts too).

/** The language id package.json contributes for .prompt files. */
export const PROMPT_LANGUAGE_ID = 'dotprompt';

export function isPromptFile(document: { readonly languageId: string; readonly path: string }): boolean {
  return document.languageId === PROMPT_LANGUAGE_ID || /\.prompt$/i.test(document.path);
}
