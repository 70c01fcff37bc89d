// `{{name}}` placeholders of .prompt bodies.

export const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Fills `{{name}}` placeholders; unknown names are left as they are. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}
