/**
 * The quick-add palette (`/` or Space): type part of a block's name, choose with the arrow keys, Enter inserts it
 * after the selected node and wires it (one undo step); Escape closes. A combobox with a listbox, for screen readers.
 */
import { useReactFlow } from '@xyflow/react';
import { memo, useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { insertAfterCommands } from '../canvas/keyboard-nav';
import { insertAfterSelection } from '../canvas/keyboard-actions';
import { NODE_W } from '../canvas/layout';
import { USER_BLOCK_PREFIX } from '../canvas/actions';
import { blockCatalog, type CatalogEntry } from '../engine';
import { useEditor } from '../store';
import { viewDoc } from '../store/scope';
import { rankBlocks } from './quick-add-search';
import './quick-add.css';

/** Whether the quick-add palette is open. */
export const useQuickAdd = create<{ open: boolean }>(() => ({ open: false }));

/** Opens the quick-add palette. */
export function openQuickAdd(): void {
  useQuickAdd.setState({ open: true });
}

const LIST_ID = 'll-quickadd-list';
const optionId = (payload: string) => `ll-quickadd-${payload.replace(/[^\w-]/g, '_')}`;

/** One choice: a catalogue block, or one of the design's own blocks (`payload` = `Composite:<definition id>`). */
interface QuickAddItem extends Pick<CatalogEntry, 'type' | 'label' | 'category' | 'description'> {
  payload: string;
  user?: boolean;
}

const Option = memo(function Option({ spec, active, onPick }: { spec: QuickAddItem; active: boolean; onPick: (payload: string) => void }) {
  return (
    <li
      id={optionId(spec.payload)}
      role="option"
      aria-selected={active}
      className={`ll-quickadd__option${active ? ' is-active' : ''}`}
      style={{ '--node-accent': `var(--cat-${spec.category})` } as CSSProperties}
      onMouseDown={(e) => {
        e.preventDefault(); // keep focus in the input
        onPick(spec.payload);
      }}
      data-testid={spec.user ? `quick-add-user-${spec.type}` : `quick-add-${spec.type}`}
    >
      <span className="ll-node__dot" />
      <span className="ll-quickadd__label">{spec.label}</span>
      <span className="ll-quickadd__type mono">{spec.user ? 'your block' : spec.type}</span>
    </li>
  );
});

/** The palette dialog; renders nothing while closed. Must sit inside the `ReactFlowProvider`. */
export function QuickAdd() {
  const open = useQuickAdd((s) => s.open);
  return open ? <QuickAddDialog /> : null;
}

function QuickAddDialog() {
  const { t } = useTranslation();
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const composites = useEditor((s) => s.doc.composites);
  // The design's own blocks first (they are what a user reaches for by name), then the catalogue.
  const blocks = useMemo<QuickAddItem[]>(() => [
    ...composites.map((c) => ({
      payload: USER_BLOCK_PREFIX + c.id, user: true, type: c.id, label: c.name, category: 'composite' as const,
      description: `${c.nodes.length} layers${c.description ? ` · ${c.description}` : ''}`,
    })),
    ...blockCatalog().filter((b) => b.inPalette).map((b) => ({ ...b, payload: b.type })),
  ], [composites]);
  const found = useMemo(() => rankBlocks(blocks, query), [blocks, query]);
  const after = useEditor((s) => {
    const id = s.selection[s.selection.length - 1];
    return viewDoc(s).nodes.find((n) => n.id === id)?.name ?? null;
  });
  const current = found[Math.min(active, found.length - 1)];

  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    if (current) listRef.current?.querySelector(`#${CSS.escape(optionId(current.payload))}`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const close = () => useQuickAdd.setState({ open: false });
  const pick = (payload: string) => {
    const pane = document.querySelector('.ll-canvas')?.getBoundingClientRect();
    const centre = pane ? flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 }) : { x: 0, y: 0 };
    // Closed first: a refusal's toast should not sit under an open dialog.
    close();
    insertAfterSelection(payload, { x: Math.round(centre.x - NODE_W / 2), y: Math.round(centre.y) });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const n = found.length;
    if (e.key === 'ArrowDown' && n) setActive((i) => (Math.min(i, n - 1) + 1) % n);
    else if (e.key === 'ArrowUp' && n) setActive((i) => (Math.min(i, n - 1) - 1 + n) % n);
    else if (e.key === 'Enter' && current) pick(current.payload);
    else if (e.key === 'Escape') close();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const doc = viewDoc(useEditor.getState());
  const selected = useEditor.getState().selection.at(-1) ?? null;
  const refusal = current ? insertAfterCommands(doc, selected, current.user ? 'Composite' : current.type, '_', {}, { x: 0, y: 0 }) : null;

  return (
    <div className="ll-overlay ll-quickadd-overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="ll-dialog ll-quickadd" role="dialog" aria-label={t('quickAdd.label')} data-testid="quick-add">
        <input
          className="ll-input ll-quickadd__input"
          autoFocus
          value={query}
          placeholder={after ? t('quickAdd.addAfter', { node: after }) : t('quickAdd.add')}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          role="combobox"
          aria-label={t('quickAdd.input')}
          aria-expanded
          aria-controls={LIST_ID}
          aria-autocomplete="list"
          aria-activedescendant={current ? optionId(current.payload) : undefined}
          spellCheck={false}
          data-testid="quick-add-input"
        />
        <ul className="ll-quickadd__list" role="listbox" id={LIST_ID} aria-label="Blocks" ref={listRef}>
          {found.map((spec) => (
            <Option key={spec.payload} spec={spec} active={spec === current} onPick={pick} />
          ))}
          {!found.length && <li className="ll-quickadd__empty">{t('palette.noMatch', { query })}</li>}
        </ul>
        <p className="ll-quickadd__hint" data-testid="quick-add-hint">
          {refusal && !refusal.ok ? refusal.reason : after ? t('quickAdd.insertsAfter', { node: after }) : t('quickAdd.adds')} · {t('quickAdd.keys')}
        </p>
      </div>
    </div>
  );
}
