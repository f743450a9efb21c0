/** The right sidebar: inspector, problems and model summary tabs. */
import { useTranslation } from 'react-i18next';
import { useEditor } from '../store';
import { canvasAnalysis, scopeView } from '../store/scope';
import type { RightTab } from '../store/ui-slice';
import { DiagnosticsPanel } from './diagnostics';
import { Inspector } from './inspector';
import { SummaryPanel } from './summary';

/** The right sidebar. */
export function RightPanel() {
  const { t } = useTranslation();
  const tab = useEditor((s) => s.rightTab);
  const errors = useEditor((s) => (s.doc.nodes.length ? (s.analysis?.diagnostics.filter((d) => d.severity !== 'info').length ?? 0) : 0));
  // Inside an opened block the list shows the block's problems first: the tab counts those too, apart.
  const inBlock = useEditor((s) => (s.scope.length ? (canvasAnalysis(s).analysis?.diagnostics.filter((d) => d.severity !== 'info').length ?? 0) : 0));
  const blockName = useEditor((s) => (s.scope.length ? scopeView(s.doc, s.scope).levels.at(-1)?.name ?? '' : ''));
  const tabs: { id: RightTab; label: string; badges?: { count: number; title: string; block?: boolean }[] }[] = [
    { id: 'inspector', label: t('rightPanel.inspector') },
    {
      id: 'diagnostics',
      label: t('rightPanel.problems'),
      badges: [
        ...(inBlock ? [{ count: inBlock, title: t('rightPanel.blockProblems', { count: inBlock, name: blockName }), block: true }] : []),
        ...(errors ? [{ count: errors, title: t('rightPanel.designProblems', { count: errors }) }] : []),
      ],
    },
    { id: 'summary', label: t('rightPanel.summary') },
  ];
  return (
    <aside className="ll-sidebar ll-right" aria-label={t('rightPanel.label')}>
      <nav className="ll-tabs" role="tablist">
        {tabs.map((x) => (
          <button key={x.id} role="tab" aria-selected={tab === x.id} className={tab === x.id ? 'is-active' : ''} onClick={() => useEditor.getState().setRightTab(x.id)} data-testid={`tab-${x.id}`}>
            {x.label}
            {x.badges?.map((b) => (
              <span key={b.block ? 'block' : 'design'} className={`ll-badge${b.block ? ' is-block' : ''}`} title={b.title} aria-label={b.title} data-testid={b.block ? 'problems-badge-block' : 'problems-badge'}>
                {b.count}
              </span>
            ))}
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
