// Where the jobs journal and its leases live: the workspace's storage folder that every window on the
// workspace shares. VS Code gives each extension host a storage folder it holds a lock on; one that
// finds it locked (a second window on the workspace, or a reloaded window whose new extension host
// starts before the old one has let go) takes `<id>-1`, then `-2`, up to `-9` (extHostStoragePaths.ts;
// microsoft/vscode#128237). The journal and the leases are made for windows to share, so they stay
// in the folder without the suffix; jobs that earlier versions recorded in a suffixed one join it.
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isCode } from './durableFiles';
import { JOURNAL_FILE } from './jobJournal';

/** The suffixes VS Code tries after the workspace's own folder. */
const SUFFIXES = [1, 2, 3, 4, 5, 6, 7, 8, 9];

/**
 * The extension's folder in the workspace's own storage folder, given the one this extension host was
 * given (`ExtensionContext.storageUri`). A suffixed folder is only taken for one when the folder
 * without the suffix exists beside it, as VS Code creates that one first.
 */
export function sharedJobsFolder(storagePath: string): string {
  const workspaceFolder = dirname(storagePath);
  const suffixed = /^(.+)-([1-9])$/.exec(basename(workspaceFolder));
  if (!suffixed) return storagePath;
  const own = join(dirname(workspaceFolder), suffixed[1]!);
  return existsSync(own) ? join(own, basename(storagePath)) : storagePath;
}

/**
 * Moves the jobs recorded in the suffixed folders' journals into the shared one (`sharedFolder`'s),
 * before it is loaded; returns how many journals had any. The lines are appended as they are (the
 * journal keeps each job's newest record, whatever the order of its lines), made durable, and the
 * suffixed journal is then emptied: a window of an earlier version still open on it appends there
 * again, and the next window to start moves that too.
 */
export function foldSuffixedJournals(sharedFolder: string): number {
  const workspaceFolder = dirname(sharedFolder);
  const journal = join(sharedFolder, JOURNAL_FILE);
  let folded = 0;
  for (const suffix of SUFFIXES) {
    const other = join(`${workspaceFolder}-${suffix}`, basename(sharedFolder), JOURNAL_FILE);
    let text: string;
    try {
      text = readFileSync(other, 'utf8');
    } catch (error) {
      if (isCode(error, 'ENOENT')) continue;
      throw error;
    }
    if (!text.trim()) continue;
    mkdirSync(sharedFolder, { recursive: true });
    appendDurably(journal, `\n${text}\n`);
    truncateSync(other, 0);
    folded++;
  }
  return folded;
}

/**
 * Appends and fdatasyncs `text`; again if another window's compaction replaced the file meanwhile
 * (its rename would leave the lines in the file it replaced). Lines written twice are harmless.
 */
function appendDurably(path: string, text: string): void {
  for (let attempt = 0; attempt < 10; attempt++) {
    const fd = openSync(path, 'a');
    try {
      writeSync(fd, text);
      fdatasyncSync(fd);
      const written = fstatSync(fd);
      const current = statSync(path, { throwIfNoEntry: false });
      if (current && current.ino === written.ino && current.dev === written.dev) return;
    } finally {
      closeSync(fd);
    }
  }
  throw new Error(`${path} was replaced 10 times while jobs from other folders were added to it`);
}
