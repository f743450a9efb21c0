/** "Why does this design work": the last convolution's field vs the input, parameters and compute per stage, the warnings that matter. */
import { memo, useMemo } from 'react';
import { designStory } from '../../../../engine/inspect/why';
import { useEditor } from '../../store';
import { formatCompact } from '../../ui/format';

/** The view; recomputed from the analysis (cheap: one pass over the nodes). */
export const WhyView = memo(function WhyView() {
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const focusNode = useEditor((s) => s.focusNode);
  const story = useMemo(() => (analysis ? designStory(doc, analysis) : null), [doc, analysis]);
  if (!story) return <p className="ll-inspect__empty">Waiting for the analysis…</p>;
  const maxParams = Math.max(1, ...story.stages.map((s) => s.params));
  const maxMacs = Math.max(1, ...story.stages.map((s) => s.macs));
  const pct = (v: number, total: number) => `${total ? Math.round((100 * v) / total) : 0}%`;
  return (
    <div className="ll-inspect__view ll-inspect__why" data-testid="inspect-why">
      <section>
        <h4>Receptive field at the last convolution</h4>
        {story.lastConv && story.input && (
          <div className="ll-inspect__rfbar" aria-hidden>
            <div style={{ width: `${Math.min(100, (100 * story.lastConv.size[1]) / story.input[1])}%` }} />
          </div>
        )}
        <p>{story.fieldVerdict}</p>
      </section>
      <section>
        <h4>Where the parameters and the compute are</h4>
        <table className="ll-inspect__stages">
          <thead>
            <tr>
              <th>Stage</th>
              <th>Layers</th>
              <th>Channels</th>
              <th>Parameters</th>
              <th>Multiply-adds</th>
            </tr>
          </thead>
          <tbody>
            {story.stages.map((s) => (
              <tr key={s.label + s.nodeIds[0]}>
                <td>{s.label}</td>
                <td>{s.nodeIds.map((id) => doc.nodes.find((n) => n.id === id)?.name ?? id).join(', ')}</td>
                <td>{s.channels ?? '—'}</td>
                <td>
                  <span className="ll-inspect__cell-bar" style={{ width: `${(60 * s.params) / maxParams}px` }} /> {formatCompact(s.params)} ({pct(s.params, story.totals.params)})
                </td>
                <td>
                  <span className="ll-inspect__cell-bar is-compute" style={{ width: `${(60 * s.macs) / maxMacs}px` }} /> {formatCompact(s.macs)} ({pct(s.macs, story.totals.macs)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="ll-inspect__hint">Convolutions at high resolution cost compute; dense layers after flattening cost parameters.</p>
      </section>
      <section>
        <h4>Warnings that matter</h4>
        {story.warnings.length === 0 ? (
          <p>None: shapes fit, fields are aligned where paths merge.</p>
        ) : (
          <ul className="ll-inspect__warnings">
            {story.warnings.map((w, i) => (
              <li key={i} className={`is-${w.severity}`}>
                {w.nodeId ? (
                  <button className="ll-link" onClick={() => focusNode(w.nodeId!)}>
                    {doc.nodes.find((n) => n.id === w.nodeId)?.name ?? w.nodeId}
                  </button>
                ) : null}{' '}
                {w.message}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
});
