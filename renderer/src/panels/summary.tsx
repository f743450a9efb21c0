/** The model summary: totals and a sortable per-layer table, like Keras `model.summary()`. */
import { useMemo, useState } from 'react';
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

const COLUMNS: { key: SortKey; label: string; numeric?: boolean; title: string }[] = [
  { key: 'order', label: '#', title: 'Model order' },
  { key: 'name', label: 'Layer', title: 'Layer name and block type' },
  { key: 'shape', label: 'Output', title: 'Output shape' },
  { key: 'params', label: 'Params', numeric: true, title: 'Parameters' },
  { key: 'macs', label: 'MACs', numeric: true, title: 'Multiply-accumulates per example' },
  { key: 'rf', label: 'RF', numeric: true, title: 'Receptive field (px)' },
];

/** The summary tab. */
export function SummaryPanel() {
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
  if (!analysis) return <div className="ll-empty">Analysing…</div>;
  const t = analysis.totals;
  const onSort = (key: SortKey, numeric?: boolean) =>
    setSort((s) => (s.key === key ? { key, desc: !s.desc } : { key, desc: !!numeric }));
  return (
    <div className="ll-summary" data-testid="summary">
      <div className="ll-cards">
        <div className="ll-card is-wide">
          <span>Total parameters</span>
          <strong className="mono" data-testid="total-params">{formatInt(t.params)}</strong>
          <em>
            {formatInt(t.trainableParams)} trainable · {formatInt(t.nonTrainableParams)} non-trainable
          </em>
        </div>
        <div className="ll-card">
          <span>MACs / example</span>
          <strong className="mono">{formatCompact(t.macs)}</strong>
        </div>
        <div className="ll-card">
          <span>Training memory</span>
          <strong className="mono">{formatBytes(t.memory.trainingBytes)}</strong>
        </div>
      </div>
      <table className="ll-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.key} title={c.title} className={c.numeric ? 'is-num' : ''} onClick={() => onSort(c.key, c.numeric)} aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                {c.label}
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
