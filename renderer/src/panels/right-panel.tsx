/** The right sidebar: inspector, problems and model summary tabs. */
import { useEditor } from '../store';
import type { RightTab } from '../store/ui-slice';
import { DiagnosticsPanel } from './diagnostics';
import { Inspector } from './inspector';
import { SummaryPanel } from './summary';

/** The right sidebar. */
export function RightPanel() {
  const tab = useEditor((s) => s.rightTab);
  const errors = useEditor((s) => (s.doc.nodes.length ? (s.analysis?.diagnostics.filter((d) => d.severity !== 'info').length ?? 0) : 0));
  const tabs: { id: RightTab; label: string; badge?: number }[] = [
    { id: 'inspector', label: 'Inspector' },
    { id: 'diagnostics', label: 'Problems', badge: errors },
    { id: 'summary', label: 'Summary' },
  ];
  return (
    <aside className="ll-sidebar ll-right" aria-label="Details">
      <nav className="ll-tabs" role="tablist">
        {tabs.map((t) => (
          <button key={t.id} role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'is-active' : ''} onClick={() => useEditor.getState().setRightTab(t.id)} data-testid={`tab-${t.id}`}>
            {t.label}
            {t.badge ? <span className="ll-badge">{t.badge}</span> : null}
          </button>
        ))}
      </nav>
      <div className="ll-right__body">
        {tab === 'inspector' && <Inspector />}
        {tab === 'diagnostics' && <DiagnosticsPanel />}
        {tab === 'summary' && <SummaryPanel />}
      </div>
    </aside>
  );
}
