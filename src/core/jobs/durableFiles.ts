// Small file operations the jobs journal and the leases need: an error's code, a write that is on disk
// when it returns, and a byte range read back.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export function isCode(error: unknown, code: string): boolean {
  return (error as { code?: unknown })?.code === code;
}

export async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** Writes and fdatasyncs `text` at once ('w': a new file, 'a': appended). */
export function writeDurablySync(path: string, text: string, flag: 'w' | 'a'): void {
  const fd = openSync(path, flag);
  try {
    writeSync(fd, text);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes from `start` to `end` (its end when omitted), as text. */
export async function readRange(handle: FileHandle, start: number, end?: number): Promise<string> {
  const buffer = Buffer.alloc(Math.max(0, (end ?? (await handle.stat()).size) - start));
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, start + offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return buffer.subarray(0, offset).toString('utf8');
}
