// The bench's two halves talk through files in one folder: the driver (in the extension host) says
// which phase it reached, the runner (outside, with the browser and /proc) says when it may go on.
// Files, because the runner cannot call into the extension host and the driver must stay idle while
// the runner measures it.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function announce(dir: string, phase: string, details: Record<string, unknown> = {}): void {
  fs.writeFileSync(path.join(dir, `phase-${phase}.json`), JSON.stringify({ at: Date.now(), ...details }));
}

/** Resolves once the runner wrote `go-<phase>`; looks twice a second, which costs next to nothing. */
export async function waitForGo(dir: string, phase: string, timeoutMs = 10 * 60 * 1000): Promise<void> {
  const file = path.join(dir, `go-${phase}`);
  const end = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > end) throw new Error(`the bench runner never answered phase ${phase}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
