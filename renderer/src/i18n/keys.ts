/** Reading the language files: their keys as flat paths, and the placeholders a translation must keep. */

/** Every leaf of a nested language file as `a.b.c` -> text. */
export function leaves(tree: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof tree === 'string') out.set(prefix, tree);
  else if (tree && typeof tree === 'object') {
    for (const [k, v] of Object.entries(tree)) for (const [kk, vv] of leaves(v, prefix ? `${prefix}.${k}` : k)) out.set(kk, vv);
  } else throw new Error(`${prefix}: expected text or an object of texts, got ${JSON.stringify(tree)}`);
  return out;
}

/** The `{{name}}` placeholders and `<tag>` markup of a text, sorted (what a translation must keep). */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}|<\/?([a-z]+)\s*\/?>/g)].map((m) => m[1] ?? `<${m[2]}>`).sort();
}
