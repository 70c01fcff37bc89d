// Reading a parsed YAML document safely: its value without letting aliases explode, and where a
// value is written, for diagnostics.
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, visit, type Document, type Node as YamlNode } from 'yaml';
import { describeError } from '../errors';

/** yaml's own default, stated: how many nodes aliases may expand to before the file is refused. */
const MAX_ALIAS_COUNT = 100;

/** Converts the YAML, turning its refusals (an alias bomb, an alias without anchor) into a message. */
export function toJavaScript(document: Document): { readonly data: unknown } | { readonly error: string } {
  try {
    return { data: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    return { error: describeError(error) };
  }
}

/** The alias to blame: the first whose anchor is not set before it, else the first (an expansion starts there). */
export function blamedAliasRange(document: Document): readonly [number, number] | undefined {
  const anchors = new Set<string>();
  let first: readonly [number, number] | undefined;
  let unanchored: readonly [number, number] | undefined;
  visit(document, (_key, node) => {
    if (isAlias(node)) {
      first ??= node.range ? [node.range[0], node.range[1]] : undefined;
      if (!anchors.has(node.source) && node.range) {
        unanchored = [node.range[0], node.range[1]];
        return visit.BREAK;
      }
    } else if (isNode(node) && node.anchor) {
      anchors.add(node.anchor);
    }
    return undefined;
  });
  return unanchored ?? first;
}

/**
 * The node at `path` (its key with `keyOnly`), or undefined where the document does not write it. A
 * number in the path is an item of a list (`['sweep', 'seed', 2]`).
 */
export function nodeAt(root: YamlNode | null, path: readonly PropertyKey[], keyOnly: boolean): YamlNode | undefined {
  let current: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (typeof path[i] === 'number') {
      current = isSeq(current) ? current.items[path[i] as number] : undefined;
      if (current === undefined) return undefined;
      continue;
    }
    if (!isMap(current)) return undefined;
    const pair = current.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(path[i]));
    if (!pair) return undefined;
    const isLast = i === path.length - 1;
    if (isLast && keyOnly) return pair.key as YamlNode;
    current = pair.value ?? pair.key;
  }
  return current as YamlNode;
}
