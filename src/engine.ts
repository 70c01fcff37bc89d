// The part of the extension loaded on first use instead of at activation: .prompt parsing (yaml, zod),
// HTTP (undici), the providers, the Sandbox's job server, the contact sheet (pngjs), and what the chat
// agent tools decide and say. Bundled on its own as dist/engine.js; nothing here imports `vscode`.
export { checkPromptFile } from './core/prompt/promptCheck';
export { promptCompletions } from './core/prompt/promptCompletion';
export { promptHover } from './core/prompt/promptHover';
export { HttpClient } from './core/http';
export { PROVIDER_IMPLEMENTATIONS } from './core/providers/registry';
export { validateRequest } from './core/providers/requestRules';
export { subModelHealth, subModelPurgeQueue } from './core/providers/submodel';
export { estimateTamsCredits } from './core/providers/tams';
export { parseListImagesInput } from './core/tools/imageToolInput';
// the chat agent tools' deciding and wording: vscode-free, so they load here rather than at activation
export { decideGeneration } from './tools/generateImageDecision';
export {
  confirmationMessages,
  endedWithoutImages,
  generatedText,
  invocationMessage,
  JOB_REMOVED,
  stillRunning,
} from './tools/generateImageText';
export { imagesText, selectImages } from './tools/listImagesText';
export { SandboxServer } from './core/sandbox/server';
export { planContactSheet, sheetCells, sheetGeometry, sheetParameters, sheetTitle } from './core/results/contactSheet';
export { renderContactSheet } from './core/results/contactSheetImage';
