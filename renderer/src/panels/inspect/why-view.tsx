/** "Why does this design work": the last convolution's field vs the input, parameters and compute per stage, the warnings that matter. */
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { designStory } from '../../../../engine/inspect/why';
import { diagnosticText, fieldVerdictText } from '../../i18n/messages';
import { useEditor } from '../../store';
import { formatCompact } from '../../ui/format';

/** The view; recomputed from the analysis (cheap: one pass over the nodes). */
export const WhyView = memo(function WhyView() {
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const focusNode = useEditor((s) => s.focusNode);
  const { t } = useTranslation();
  const story = useMemo(() => (analysis ? designStory(doc, analysis) : null), [doc, analysis]);
  if (!story) return <p className="ll-inspect__empty">{t('inspect.why.waiting')}</p>;
  const maxParams = Math.max(1, ...story.stages.map((s) => s.params));
  const maxMacs = Math.max(1, ...story.stages.map((s) => s.macs));
  const pct = (v: number, total: number) => `${total ? Math.round((100 * v) / total) : 0}%`;
  return (
    <div className="ll-inspect__view ll-inspect__why" data-testid="inspect-why">
      <section>
        <h4>{t('inspect.why.field')}</h4>
        {story.lastConv && story.input && (
          <div className="ll-inspect__rfbar" aria-hidden>
            <div style={{ width: `${Math.min(100, (100 * story.lastConv.size[1]) / story.input[1])}%` }} />
          </div>
        )}
        <p>{fieldVerdictText(story)}</p>
      </section>
      <section>
        <h4>{t('inspect.why.where')}</h4>
        <table className="ll-inspect__stages">
          <thead>
            <tr>
              <th>{t('inspect.why.stage')}</th>
              <th>{t('inspect.why.layers')}</th>
              <th>{t('inspect.why.channels')}</th>
              <th>{t('inspect.why.parameters')}</th>
              <th>{t('inspect.why.macs')}</th>
            </tr>
          </thead>
          <tbody>
            {story.stages.map((s) => (
              <tr key={s.label + s.nodeIds[0]}>
                <td>{s.label === 'head' ? t('inspect.why.head') : s.label}</td>
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
        <p className="ll-inspect__hint">{t('inspect.why.costHint')}</p>
      </section>
      <section>
        <h4>{t('inspect.why.warnings')}</h4>
        {story.warnings.length === 0 ? (
          <p>{t('inspect.why.noWarnings')}</p>
        ) : (
          <ul className="ll-inspect__warnings">
            {story.warnings.map((w, i) => (
              <li key={i} className={`is-${w.severity}`}>
                {w.nodeId ? (
                  <button className="ll-link" onClick={() => focusNode(w.nodeId!)}>
                    {doc.nodes.find((n) => n.id === w.nodeId)?.name ?? w.nodeId}
                  </button>
                ) : null}{' '}
                {diagnosticText(w.diagnostic)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
});
