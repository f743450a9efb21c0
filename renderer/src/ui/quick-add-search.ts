/** Ranking of the quick-add palette: what "conv" or "bn" should offer first. Pure, so it is unit-tested. */
import type { CatalogEntry } from '../engine';

/** The fields of a catalogue entry the search reads. */
export type SearchableBlock = Pick<CatalogEntry, 'type' | 'label' | 'category' | 'description'>;

/** Initials of a label or CamelCase type ("BatchNormalization" -> "bn", "Global Avg Pool" -> "gap"). */
function initials(s: string): string {
  return (s.match(/[A-Z]|\b[a-z]/g) ?? []).join('').toLowerCase();
}

/**
 * Blocks matching `query`, best first: type or label starting with it, then initials ("bn"), then a match inside
 * the type or label, then in the category or description. Ties keep the catalogue's order. An empty query keeps all.
 */
export function rankBlocks<T extends SearchableBlock>(blocks: readonly T[], query: string): T[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...blocks];
  const score = (b: T): number => {
    const names = [b.type.toLowerCase(), b.label.toLowerCase()];
    if (names.some((n) => n.startsWith(q))) return 0;
    if (initials(b.type) === q || initials(b.label) === q) return 1;
    if (names.some((n) => n.includes(q))) return 2;
    if (b.category.toLowerCase().includes(q) || b.description.toLowerCase().includes(q)) return 3;
    return -1;
  };
  return blocks
    .map((b, i) => ({ b, i, s: score(b) }))
    .filter((x) => x.s >= 0)
    .sort((x, y) => x.s - y.s || x.i - y.i)
    .map((x) => x.b);
}
