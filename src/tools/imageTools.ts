// The tools chat agents (Copilot agent mode, any extension through vscode.lm.invokeTool) can call.
// Each name here is declared in package.json's `languageModelTools`, with the schema and description
// the model reads; test/integration/agentTools.test.ts checks each is registered.
import * as vscode from 'vscode';
import type { GenerateImageTool } from './generateImageTool';
import type { ListImagesTool } from './listImagesTool';

export const IMAGE_TOOL_NAMES = { generate: 'imageJobs_generate', listImages: 'imageJobs_listImages' } as const;

export function registerImageTools(tools: {
  readonly generate: GenerateImageTool;
  readonly listImages: ListImagesTool;
}): vscode.Disposable[] {
  return [
    vscode.lm.registerTool(IMAGE_TOOL_NAMES.generate, tools.generate),
    vscode.lm.registerTool(IMAGE_TOOL_NAMES.listImages, tools.listImages),
  ];
}
