/** The status bar: size of the design, total parameters and MACs, validity, analysis time. */
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useEditor } from '../store';
import { formatCompact, formatInt } from '../ui/format';

/** The status bar. */
export function StatusBar() {
  const { t } = useTranslation();
  const s = useEditor(
    useShallow((st) => ({
      nodes: st.doc.nodes.length,
      edges: st.doc.edges.length,
      params: st.analysis?.totals.params,
      macs: st.analysis?.totals.macs,
      errors: st.analysis?.diagnostics.filter((d) => d.severity === 'error').length ?? 0,
      warnings: st.analysis?.diagnostics.filter((d) => d.severity === 'warning').length ?? 0,
      ms: st.analysisMs,
      stale: st.analyzedDoc !== st.doc,
    })),
  );
  return (
    <footer className="ll-status">
      <span>{t('status.size', { blocks: s.nodes, wires: s.edges })}</span>
      <span className="ll-status__sep" />
      <span>
        <strong className="mono" data-testid="status-params">{s.params === undefined ? '—' : formatInt(s.params)}</strong> {t('status.params')}
      </span>
      <span>
        <strong className="mono">{s.macs === undefined ? '—' : formatCompact(s.macs)}</strong> {t('status.macs')}
      </span>
      <span className="ll-status__spacer" />
      {s.nodes === 0 ? (
        <span className="ll-status__pill">{t('status.empty')}</span>
      ) : s.errors > 0 ? (
        <button className="ll-status__pill is-error" onClick={() => useEditor.getState().setRightTab('diagnostics')}>
          {t('status.errors', { count: s.errors })}
        </button>
      ) : s.warnings > 0 ? (
        <button className="ll-status__pill is-warning" onClick={() => useEditor.getState().setRightTab('diagnostics')}>
          {t('status.warnings', { count: s.warnings })}
        </button>
      ) : (
        <span className="ll-status__pill is-ok">{t('status.valid')}</span>
      )}
      <span className="mono ll-status__ms">{s.stale ? t('status.analysing') : t('status.analysisTime', { ms: s.ms.toFixed(1) })}</span>
    </footer>
  );
}
