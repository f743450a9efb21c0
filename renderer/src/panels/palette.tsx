/** The block palette: every block by category, searchable, with a short description; drag onto the canvas or double-click to add. */
import { useReactFlow } from '@xyflow/react';
import { memo, useMemo, useState, type CSSProperties, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addBlock, USER_BLOCK_PREFIX } from '../canvas/actions';
import { BLOCK_MIME } from '../canvas/canvas';
import { NODE_W } from '../canvas/layout';
import { blockCatalog, type CatalogEntry } from '../engine';
import { blockDescription, categoryLabel } from '../i18n/blocks';
import { useEditor } from '../store';
import { Icon } from '../ui/icons';
import { RichText } from '../ui/rich-text';
import { explainTooltip } from './inspect/block-explain';

const CATEGORY_ORDER = ['input', 'convolution', 'pooling', 'normalization', 'activation', 'core', 'merge', 'composite', 'output'] as const;

/** Whether a block matches a search query (type, label, category or description, English or the interface language's). */
export function matchesQuery(spec: Pick<CatalogEntry, 'type' | 'label' | 'category' | 'description'>, query: string, translated: string[] = []): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [spec.type, spec.label, spec.category, spec.description, ...translated].some((s) => s.toLowerCase().includes(q));
}

/** The translated words a block is also found by: its category heading and description. */
const translatedWords = (spec: CatalogEntry) => [categoryLabel(spec.category), blockDescription(spec.type, spec.description)];

const PaletteItem = memo(function PaletteItem({ spec, onAdd }: { spec: CatalogEntry; onAdd: (type: string) => void }) {
  const { t } = useTranslation();
  const description = blockDescription(spec.type, spec.description);
  const onDragStart = (e: DragEvent) => {
    e.dataTransfer.setData(BLOCK_MIME, spec.type);
    e.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <div
      className="ll-palette__item"
      draggable
      onDragStart={onDragStart}
      onDoubleClick={() => onAdd(spec.type)}
      onKeyDown={(e) => e.key === 'Enter' && onAdd(spec.type)}
      tabIndex={0}
      role="button"
      title={`${description.replace(/`/g, '')}${explainTooltip(spec.type, spec.explain)}\n\n${t('palette.dragHint')}`}
      data-testid={`palette-${spec.type}`}
      style={{ '--node-accent': `var(--cat-${spec.category})` } as CSSProperties}
    >
      <span className="ll-palette__glyph" />
      <span className="ll-palette__text">
        <span className="ll-palette__label">{spec.label}</span>
        <span className="ll-palette__desc">
          <RichText text={description} />
        </span>
      </span>
    </div>
  );
});

/** The document's user-defined blocks: each drag adds a linked use of the same definition. */
function UserBlocks({ query, onAdd }: { query: string; onAdd: (payload: string) => void }) {
  const { t } = useTranslation();
  const composites = useEditor((s) => s.doc.composites);
  const hits = composites.filter((c) => matchesQuery({ type: c.id, label: c.name, category: 'composite', description: c.description }, query));
  if (!hits.length) return null;
  return (
    <section>
      <h3 className="ll-section-title">{t('palette.yourBlocks')}</h3>
      {hits.map((c) => (
        <div
          key={c.id}
          className="ll-palette__item"
          draggable
          onDragStart={(e) => {
            e.dataTransfer.setData(BLOCK_MIME, USER_BLOCK_PREFIX + c.id);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onDoubleClick={() => onAdd(USER_BLOCK_PREFIX + c.id)}
          tabIndex={0}
          role="button"
          title={t('palette.userBlockHint')}
          data-testid={`palette-user-${c.id}`}
          style={{ '--node-accent': 'var(--cat-composite)' } as CSSProperties}
        >
          <span className="ll-palette__glyph" />
          <span className="ll-palette__text">
            <span className="ll-palette__label">{c.name}</span>
            <span className="ll-palette__desc">
              {t('palette.layers', { count: c.nodes.length })}
              {c.description ? ` · ${c.description}` : ''}
            </span>
          </span>
        </div>
      ))}
    </section>
  );
}

/** The left sidebar. */
export function Palette() {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState('');
  const flow = useReactFlow();
  // The engine's catalogue, the same list `layerloom blocks` prints.
  const blocks = useMemo(() => blockCatalog().filter((b) => b.inPalette), []);
  const groups = useMemo(() => {
    const hits = blocks.filter((b) => matchesQuery(b, query, translatedWords(b)));
    return CATEGORY_ORDER.map((c) => ({ category: c, items: hits.filter((b) => b.category === c) })).filter((g) => g.items.length);
    // i18n.language: the translated words a block matches change with the language.
  }, [blocks, query, i18n.language]);
  const onAdd = (payload: string) => {
    const box = document.querySelector('.ll-canvas')?.getBoundingClientRect();
    const centre = flow.screenToFlowPosition({ x: box ? box.left + box.width / 2 : 400, y: box ? box.top + box.height / 2 : 300 });
    addBlock(payload, { x: Math.round(centre.x - NODE_W / 2), y: Math.round(centre.y - 40) });
  };
  return (
    <aside className="ll-sidebar ll-palette" aria-label={t('palette.label')}>
      <div className="ll-palette__search">
        <Icon name="search" size={14} />
        <input
          type="search"
          placeholder={t('palette.search')}
          aria-label={t('palette.search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
            if (e.key === 'Enter' && groups[0]) onAdd(groups[0].items[0].type);
          }}
          data-testid="palette-search"
        />
      </div>
      <div className="ll-palette__list">
        <UserBlocks query={query} onAdd={onAdd} />
        {groups.map((g) => (
          <section key={g.category}>
            <h3 className="ll-section-title">{categoryLabel(g.category)}</h3>
            {g.items.map((spec) => (
              <PaletteItem key={spec.type} spec={spec} onAdd={onAdd} />
            ))}
          </section>
        ))}
        {!groups.length && <p className="ll-empty">{t('palette.noMatch', { query })}</p>}
      </div>
    </aside>
  );
}
