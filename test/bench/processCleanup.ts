// A bench's processes end together and leave nothing behind, however the bench ends. On a signal
// (Ctrl-C, `kill`, a CI timeout) Node ends at once, without its 'exit' event, so temporary folders
// stayed (2 MB a run: 330 MB of them here); and a client forked with an IPC channel outlived a killed
// bench, polling a server that was gone for the rest of its jobs' time, and skewed every run after it
// on the same two cores.
import { rmSync } from 'node:fs';

const foldersToRemove = new Set<string>();

/** Removes `folder` as the process exits (one exit listener however many folders: no listener-leak warning). */
export function removeOnExit(folder: string): void {
  if (!foldersToRemove.size)
    process.once('exit', () => {
      for (const each of foldersToRemove)
        try {
          rmSync(each, { recursive: true, force: true });
        } catch {
          // the others still go; the exit code stays the bench's
        }
    });
  foldersToRemove.add(folder);
}

/** In the bench itself: a signal exits the process, so its removeOnExit folders go, and its clients see their channel close. */
export function exitOnSignals(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)
    process.once(signal, () => process.exit(code));
}

/**
 * In a forked client: it ends with the bench that started it (its IPC channel closes), and a signal of
 * its own (Ctrl-C reaches the whole process group; a timeout's kill) exits it with its folders removed.
 */
export function exitWithParent(): void {
  process.once('disconnect', () => process.exit(1));
  exitOnSignals();
}
