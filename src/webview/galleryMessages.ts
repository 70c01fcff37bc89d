// Host-side reading of what the gallery webview posts. The webview is a browser page: treat its
// messages as untrusted input, never cast them.
import { galleryToHostMessageSchema, type GalleryToHostMessage } from '../shared/webviewProtocol';

export type ReadMessage = { readonly ok: true; readonly message: GalleryToHostMessage } | { readonly ok: false; readonly problem: string };

const MAX_PROBLEM_CHARS = 300;
const MAX_NAME_CHARS = 40;

/** Quoted and cut short: key names come from the message and may be huge or hold control characters. */
function name(key: PropertyKey): string {
  const text = JSON.stringify(String(key));
  return text.length > MAX_NAME_CHARS ? `${text.slice(0, MAX_NAME_CHARS)}…"` : text;
}

interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly keys?: readonly string[];
}

/** A one-line account for the log, built from issue codes and key names only, never from values. */
function describe(issues: readonly Issue[]): string {
  const parts = issues.map((issue) => {
    const where = issue.path.length ? issue.path.map(name).join('.') : 'message';
    const keys = issue.keys?.length ? ` ${issue.keys.slice(0, 5).map(name).join(', ')}${issue.keys.length > 5 ? ', …' : ''}` : '';
    return `${where}: ${issue.code}${keys}`;
  });
  const text = parts.join('; ');
  return text.length > MAX_PROBLEM_CHARS ? `${text.slice(0, MAX_PROBLEM_CHARS)}…` : text;
}

export function readGalleryMessage(raw: unknown): ReadMessage {
  const result = galleryToHostMessageSchema.safeParse(raw);
  return result.success ? { ok: true, message: result.data } : { ok: false, problem: describe(result.error.issues) };
}
