// The part of the extension loaded on first use instead of at activation: .prompt parsing (yaml, zod),
// HTTP (undici), the providers and the contact sheet (pngjs). Bundled on its own as dist/engine.js.
export { checkPromptFile } from './core/prompt/promptCheck';
export { promptCompletions } from './core/prompt/promptCompletion';
export { promptHover } from './core/prompt/promptHover';
export { HttpClient } from './core/http';
export { PROVIDER_IMPLEMENTATIONS } from './core/providers/registry';
export { subModelHealth, subModelPurgeQueue } from './core/providers/submodel';
export { estimateTamsCredits } from './core/providers/tams';
export { planContactSheet, sheetCells, sheetGeometry, sheetParameters, sheetTitle } from './core/results/contactSheet';
export { renderContactSheet } from './core/results/contactSheetImage';
