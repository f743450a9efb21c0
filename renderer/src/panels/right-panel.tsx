/** The right sidebar: inspector, problems and model summary tabs. */
import { useTranslation } from 'react-i18next';
import { useEditor } from '../store';
import type { RightTab } from '../store/ui-slice';
import { DiagnosticsPanel } from './diagnostics';
import { Inspector } from './inspector';
import { SummaryPanel } from './summary';

/** The right sidebar. */
export function RightPanel() {
  const { t } = useTranslation();
  const tab = useEditor((s) => s.rightTab);
  const errors = useEditor((s) => (s.doc.nodes.length ? (s.analysis?.diagnostics.filter((d) => d.severity !== 'info').length ?? 0) : 0));
  const tabs: { id: RightTab; label: string; badge?: number }[] = [
    { id: 'inspector', label: t('rightPanel.inspector') },
    { id: 'diagnostics', label: t('rightPanel.problems'), badge: errors },
    { id: 'summary', label: t('rightPanel.summary') },
  ];
  return (
    <aside className="ll-sidebar ll-right" aria-label={t('rightPanel.label')}>
      <nav className="ll-tabs" role="tablist">
        {tabs.map((x) => (
          <button key={x.id} role="tab" aria-selected={tab === x.id} className={tab === x.id ? 'is-active' : ''} onClick={() => useEditor.getState().setRightTab(x.id)} data-testid={`tab-${x.id}`}>
            {x.label}
            {x.badge ? <span className="ll-badge">{x.badge}</span> : null}
          </button>
        ))}
      </nav>
      {/* Focusable so the keyboard can scroll a long summary or list of problems. */}
      <div className="ll-right__body" tabIndex={0}>
        {tab === 'inspector' && <Inspector />}
        {tab === 'diagnostics' && <DiagnosticsPanel />}
        {tab === 'summary' && <SummaryPanel />}
      </div>
    </aside>
  );
}
