// "Did you mean …?": the known name closest to what was written, when one is close enough to be
// a likely typo rather than a different word.

/** Case, `_` and `-` do not matter: `negative_prompt` and `cfg-scale` are spellings of the known keys. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.abs(a.length - b.length);
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The candidate `written` most likely meant, or undefined when none is close (a third of its length, at most 2 edits). */
export function closestName(written: string, candidates: readonly string[]): string | undefined {
  const target = normalize(written);
  if (!target || target.length > 64) return undefined;
  const allowed = Math.min(2, Math.max(1, Math.floor(target.length / 3)));
  let best: { readonly name: string; readonly distance: number } | undefined;
  for (const name of candidates) {
    if (name === written) continue;
    const distance = editDistance(target, normalize(name));
    if (distance <= allowed && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

export function didYouMean(name: string): string {
  return `did you mean \`${name}\`?`;
}
