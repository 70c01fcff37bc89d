// `{{name}}` placeholders of .prompt bodies.

export const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** What a placeholder's name may be (no helpers, blocks or paths with spaces). */
export const VARIABLE_NAME = /^[A-Za-z_][\w.-]*$/;

/** Fills `{{name}}` placeholders; unknown names are left as they are. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}
