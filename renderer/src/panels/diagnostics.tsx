/** The diagnostics panel: every problem, click to focus its node, apply a suggested fix in one click. */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { applyFix } from '../canvas/actions';
import type { Diagnostic } from '../engine';
import { diagnosticText, fixLabel } from '../i18n/messages';
import { useEditor } from '../store';
import { Icon } from '../ui/icons';

/** One diagnostic with its fix buttons. */
export const DiagnosticRow = memo(function DiagnosticRow({ diagnostic: d, compact = false }: { diagnostic: Diagnostic; compact?: boolean }) {
  // Subscribes to the language: the row re-renders in the new one at once.
  useTranslation();
  const nodeName = useEditor((s) => (d.nodeId ? s.doc.nodes.find((n) => n.id === d.nodeId)?.name : undefined));
  const edgeTarget = useEditor((s) => {
    if (!d.edgeId || d.nodeId) return undefined;
    return s.doc.edges.find((e) => e.id === d.edgeId)?.target.node;
  });
  const focusId = d.nodeId ?? edgeTarget;
  const fixes = [...(d.fix ? [d.fix] : []), ...(d.alternatives ?? [])];
  return (
    <div
      className={`ll-diag is-${d.severity}${focusId && !compact ? ' is-clickable' : ''}`}
      onClick={() => focusId && !compact && useEditor.getState().focusNode(focusId)}
      data-testid="diagnostic"
      data-code={d.code}
    >
      <Icon name={d.severity === 'info' ? 'info' : 'alert'} size={14} className="ll-diag__icon" />
      <div className="ll-diag__body">
        {!compact && nodeName && <div className="ll-diag__node">{nodeName}</div>}
        <div className="ll-diag__msg">{diagnosticText(d)}</div>
        {fixes.length > 0 && (
          <div className="ll-diag__fixes">
            {fixes.map((f, i) => (
              <button
                key={i}
                className={`ll-button is-small${i === 0 ? ' is-primary' : ''}`}
                onClick={(e) => {
                  e.stopPropagation();
                  applyFix(f);
                }}
                data-testid="apply-fix"
              >
                <Icon name="wand" size={12} /> {fixLabel(f)}
              </button>
            ))}
          </div>
        )}
      </div>
    </div>
  );
});

/** The diagnostics tab. */
export function DiagnosticsPanel() {
  const { t } = useTranslation();
  const diagnostics = useEditor((s) => s.analysis?.diagnostics ?? null);
  if (!diagnostics) return <div className="ll-empty">{t('diagnosticsPanel.analysing')}</div>;
  if (!diagnostics.length)
    return (
      <div className="ll-allclear">
        <Icon name="check" size={18} />
        <div>
          <strong>{t('diagnosticsPanel.noProblems')}</strong>
          <span>{t('diagnosticsPanel.allClear')}</span>
        </div>
      </div>
    );
  const order = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...diagnostics].sort((a, b) => order[a.severity] - order[b.severity]);
  return (
    <div className="ll-diags" data-testid="diagnostics">
      {sorted.map((d, i) => (
        <DiagnosticRow key={`${d.code}-${d.nodeId ?? d.edgeId ?? ''}-${i}`} diagnostic={d} />
      ))}
    </div>
  );
}
