// A URI's path segments as the file system spells them.

/** `segment` with its percent-escapes decoded; a malformed escape is kept as written rather than thrown. */
export function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
