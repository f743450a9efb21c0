/**
 * The model summary: totals and a sortable per-layer table, like Keras `model.summary()`; a design with several
 * Input or Output blocks also lists each with its shape (outputs: loss and loss weight).
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEditor } from '../store';
import { formatBytes, formatCompact, formatInt, formatShape } from '../ui/format';

type SortKey = 'order' | 'name' | 'type' | 'shape' | 'params' | 'macs' | 'rf';

/** One row of the per-layer table. */
export interface SummaryRow {
  id: string;
  order: number;
  name: string;
  type: string;
  shape: string;
  params: number;
  macs: number;
  rf: number;
}

/** Sorts rows by a column; numbers descending first, text ascending first. */
export function sortRows(rows: SummaryRow[], key: SortKey, desc: boolean): SummaryRow[] {
  const out = [...rows];
  out.sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return desc ? -c : c;
  });
  return out;
}

/** The table's columns; their labels and titles are `summary.column.<key>` and `summary.columnTitle.<key>`. */
const COLUMNS: { key: SortKey; numeric?: boolean }[] = [{ key: 'order' }, { key: 'name' }, { key: 'shape' }, { key: 'params', numeric: true }, { key: 'macs', numeric: true }, { key: 'rf', numeric: true }];

/** The summary tab. */
export function SummaryPanel() {
  const { t: tr } = useTranslation();
  const analysis = useEditor((s) => s.analysis);
  const doc = useEditor((s) => s.analyzedDoc);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'order', desc: false });
  const rows = useMemo(() => {
    if (!analysis || !doc) return [];
    const list: SummaryRow[] = [];
    const byId = new Map(doc.nodes.map((n) => [n.id, n]));
    Object.values(analysis.nodes).forEach((a, i) => {
      const node = byId.get(a.nodeId);
      if (!node) return;
      list.push({
        id: node.id,
        order: i,
        name: node.name,
        type: node.type,
        shape: formatShape(a.outputShape),
        params: a.params.trainable + a.params.nonTrainable,
        macs: a.macs,
        rf: a.receptiveField ? Math.max(...a.receptiveField.size) : 0,
      });
    });
    return list;
  }, [analysis, doc]);
  const sorted = useMemo(() => sortRows(rows, sort.key, sort.desc), [rows, sort]);
  const ends = useMemo(() => {
    if (!analysis || !doc) return null;
    const shape = (id: string) => formatShape(analysis.nodes[id]?.outputShape ?? null);
    const inputs = doc.nodes.filter((n) => n.type === 'Input').map((n) => ({ id: n.id, name: n.name || n.id, shape: shape(n.id) }));
    const outputs = doc.nodes.filter((n) => n.type === 'Output').map((n) => ({
      id: n.id,
      name: n.name || n.id,
      shape: shape(n.id),
      loss: typeof n.params.loss === 'string' ? n.params.loss : 'categoricalCrossentropy',
      weight: typeof n.params.lossWeight === 'number' ? n.params.lossWeight : 1,
    }));
    return inputs.length > 1 || outputs.length > 1 ? { inputs, outputs } : null;
  }, [analysis, doc]);
  if (!analysis) return <div className="ll-empty">{tr('diagnosticsPanel.analysing')}</div>;
  const t = analysis.totals;
  const onSort = (key: SortKey, numeric?: boolean) =>
    setSort((s) => (s.key === key ? { key, desc: !s.desc } : { key, desc: !!numeric }));
  return (
    <div className="ll-summary" data-testid="summary">
      <div className="ll-cards">
        <div className="ll-card is-wide">
          <span>{tr('summary.totalParams')}</span>
          <strong className="mono" data-testid="total-params">{formatInt(t.params)}</strong>
          <em>
            {tr('summary.trainableSplit', { trainable: formatInt(t.trainableParams), frozen: formatInt(t.nonTrainableParams) })}
          </em>
        </div>
        <div className="ll-card">
          <span>{tr('summary.macs')}</span>
          <strong className="mono">{formatCompact(t.macs)}</strong>
        </div>
        <div className="ll-card">
          <span>{tr('summary.memory')}</span>
          <strong className="mono">{formatBytes(t.memory.trainingBytes)}</strong>
        </div>
        {ends && (
          <div className="ll-card is-wide" data-testid="summary-endpoints">
            <span>
              {tr('summary.endpoints', { inputs: ends.inputs.length, outputs: ends.outputs.length })}
            </span>
            <ul className="ll-endpoints">
              {ends.inputs.map((i) => (
                <li key={i.id} className="mono">in {i.name} {i.shape}</li>
              ))}
              {ends.outputs.map((o) => (
                <li key={o.id} className="mono" data-testid={`summary-output-${o.id}`}>
                  out {o.name} {o.shape} · {o.loss} × {o.weight}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <table className="ll-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.key} title={tr(`summary.columnTitle.${c.key}`)} className={c.numeric ? 'is-num' : ''} onClick={() => onSort(c.key, c.numeric)} aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                {tr(`summary.column.${c.key}`)}
                {sort.key === c.key ? <span className="ll-sort">{sort.desc ? '↓' : '↑'}</span> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.id} onClick={() => useEditor.getState().focusNode(r.id)}>
              <td className="mono ll-table__idx">{r.order + 1}</td>
              <td className="ll-table__name" title={`${r.name} (${r.type})`}>
                <span>{r.name}</span>
                <em>{r.type}</em>
              </td>
              <td className="mono" title={r.shape}>{r.shape}</td>
              <td className="mono is-num" title={formatInt(r.params)}>{formatCompact(r.params)}</td>
              <td className="mono is-num" title={formatInt(r.macs)}>{formatCompact(r.macs)}</td>
              <td className="mono is-num">{r.rf || '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
