/** The template gallery: name, description, parameter count and a small preview of every template. */
import { memo, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listTemplates, type TemplateInfo } from '../../../templates';
import { analyzeDesign, type DesignDocument } from '../engine';
import { layoutDocument } from '../canvas/actions';
import { useEditor } from '../store';
import { useDialogFocus } from '../ui/dialog-focus';
import { formatCompact, formatInt } from '../ui/format';
import { Icon } from '../ui/icons';

/** Rows in one preview column before a long design wraps into the next column (like a snake). */
const PREVIEW_ROWS = 14;

/**
 * A thumbnail of a design: its layout, with a long chain (VGG, ResNet-152) wrapped into side-by-side columns so
 * that it stays legible at card size.
 */
const Preview = memo(function Preview({ doc }: { doc: DesignDocument }) {
  const { boxes, lines, view } = useMemo(() => {
    const rows = [...new Set(doc.nodes.map((n) => n.position.y))].sort((a, b) => a - b);
    const rowOf = new Map(rows.map((y, i) => [y, i]));
    const columns = Math.max(1, Math.ceil(rows.length / PREVIEW_ROWS));
    const perColumn = Math.ceil(rows.length / columns);
    const xs = doc.nodes.map((n) => n.position.x);
    const minX = Math.min(...xs);
    const span = Math.max(...xs) - minX + 212;
    const colW = span + 160;
    const place = (x: number, y: number) => {
      const r = rowOf.get(y) ?? 0;
      return { x: Math.floor(r / perColumn) * colW + (x - minX), y: (r % perColumn) * 100, col: Math.floor(r / perColumn) };
    };
    const pos = new Map(doc.nodes.map((n) => [n.id, place(n.position.x, n.position.y)]));
    return {
      boxes: doc.nodes.map((n) => ({ id: n.id, ...pos.get(n.id)!, type: n.type })),
      lines: doc.edges
        .map((e) => ({ id: e.id, a: pos.get(e.source.node), b: pos.get(e.target.node) }))
        .filter((l) => l.a && l.b && l.a.col === l.b.col),
      view: `-40 -40 ${columns * colW - 160 + 80} ${Math.min(rows.length, perColumn) * 100 + 40}`,
    };
  }, [doc]);
  return (
    <svg className="ll-preview" viewBox={view} preserveAspectRatio="xMidYMid meet" aria-hidden>
      {lines.map((l) => (
        <line key={l.id} x1={l.a!.x + 106} y1={l.a!.y + 60} x2={l.b!.x + 106} y2={l.b!.y} />
      ))}
      {boxes.map((b) => (
        <rect key={b.id} x={b.x} y={b.y} width={212} height={60} rx={14} className={`t-${b.type}`} />
      ))}
    </svg>
  );
});

interface CardData {
  info: TemplateInfo;
  doc: DesignDocument;
}

const paramCache = new Map<string, number>();

const TemplateCard = memo(function TemplateCard({ data, params, onPick }: { data: CardData; params: number | undefined; onPick: (d: CardData) => void }) {
  const { t } = useTranslation();
  const name = data.info.name;
  return (
    <button className="ll-tcard" onClick={() => onPick(data)} data-testid={`template-${data.info.name}`}>
      <div className="ll-tcard__preview">
        <Preview doc={data.doc} />
      </div>
      <div className="ll-tcard__body">
        <div className="ll-tcard__title">
          <strong>{t(`templates:template.${name}.title`, { defaultValue: data.info.title })}</strong>
          <span className="ll-chip mono" title={params === undefined ? '' : t('gallery.paramsTitle', { count: params, formatted: formatInt(params) })}>
            {params === undefined ? '…' : t('gallery.params', { formatted: formatCompact(params) })}
          </span>
        </div>
        <p>{t(`templates:template.${name}.description`, { defaultValue: data.info.description })}</p>
        <span className="ll-tcard__meta">{t('gallery.meta', { blocks: data.doc.nodes.length, input: data.info.defaultInputShape.join('×') })}</span>
      </div>
    </button>
  );
});

/** The gallery modal. */
export function Gallery() {
  const { t } = useTranslation();
  const open = useEditor((s) => s.galleryOpen);
  const [params, setParams] = useState<Record<string, number>>(() => Object.fromEntries(paramCache));
  const cards = useMemo<CardData[]>(() => (open ? listTemplates().map((info) => ({ info, doc: info.build() })) : []), [open]);
  // Count parameters one template per tick, so opening the gallery never freezes the window.
  useEffect(() => {
    if (!open) return;
    let i = 0;
    let timer: ReturnType<typeof setTimeout>;
    const step = () => {
      const card = cards.find((c) => !paramCache.has(c.info.name));
      if (!card || i++ > cards.length) return;
      try {
        paramCache.set(card.info.name, analyzeDesign(card.doc).totals.params);
      } catch {
        paramCache.set(card.info.name, NaN);
      }
      setParams(Object.fromEntries(paramCache));
      timer = setTimeout(step, 0);
    };
    timer = setTimeout(step, 30);
    return () => clearTimeout(timer);
  }, [open, cards]);
  const close = () => useEditor.getState().setGalleryOpen(false);
  const dialog = useDialogFocus<HTMLDivElement>(open, close);
  if (!open) return null;
  const pick = (d: CardData) => {
    const state = useEditor.getState();
    state.loadDocument(layoutDocument(d.info.build()), null, false);
    state.setGalleryOpen(false);
  };
  return (
    <div className="ll-overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="ll-gallery" role="dialog" aria-modal="true" aria-label={t('gallery.label')} tabIndex={-1} ref={dialog} data-testid="gallery">
        <header>
          <div>
            <h2>{t('gallery.title')}</h2>
            <p>{t('gallery.intro')}</p>
          </div>
          <button className="ll-tool" onClick={close} aria-label={t('common.close')}>
            <Icon name="x" size={16} />
          </button>
        </header>
        <div className="ll-gallery__grid">
          {cards.map((c) => (
            <TemplateCard key={c.info.name} data={c} params={params[c.info.name]} onPick={pick} />
          ))}
        </div>
      </div>
    </div>
  );
}
