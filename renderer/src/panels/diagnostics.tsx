/** The diagnostics panel: every problem, click to focus its node, apply a suggested fix in one click. */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { applyFix } from '../canvas/actions';
import type { Diagnostic } from '../engine';
import { diagnosticText, fixLabel } from '../i18n/messages';
import { useEditor } from '../store';
import { canvasAnalysis, scopeView, viewDoc } from '../store/scope';
import { Icon } from '../ui/icons';

/** One diagnostic with its fix buttons. */
export const DiagnosticRow = memo(function DiagnosticRow({ diagnostic: d, compact = false, scoped = false }: { diagnostic: Diagnostic; compact?: boolean; scoped?: boolean }) {
  // Subscribes to the language: the row re-renders in the new one at once.
  useTranslation();
  // A row of the open block's problems names and focuses a layer of the block (the canvas stays inside it).
  const nodeName = useEditor((s) => (d.nodeId ? (scoped ? viewDoc(s) : s.doc).nodes.find((n) => n.id === d.nodeId)?.name : undefined));
  const edgeTarget = useEditor((s) => {
    if (!d.edgeId || d.nodeId) return undefined;
    return (scoped ? viewDoc(s) : s.doc).edges.find((e) => e.id === d.edgeId)?.target.node;
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

const ORDER = { error: 0, warning: 1, info: 2 } as const;
/** Errors first, then warnings, then notes (stable within a severity). */
function bySeverity(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}

/** The diagnostics tab; while a block is open, its layers' problems come first, then the whole design's. */
export function DiagnosticsPanel() {
  const { t } = useTranslation();
  const diagnostics = useEditor((s) => s.analysis?.diagnostics ?? null);
  const blockName = useEditor((s) => (s.scope.length ? scopeView(s.doc, s.scope).levels.at(-1)?.name ?? null : null));
  const inBlock = useEditor((s) => (s.scope.length ? canvasAnalysis(s).analysis?.diagnostics ?? null : null));
  if (blockName && inBlock?.length)
    return (
      <div className="ll-diags" data-testid="diagnostics">
        <h3 className="ll-diags__group" data-testid="diagnostics-block">{t('diagnosticsPanel.inBlock', { name: blockName })}</h3>
        {bySeverity(inBlock).map((d, i) => (
          <DiagnosticRow key={`b-${d.code}-${d.nodeId ?? d.edgeId ?? ''}-${i}`} diagnostic={d} scoped />
        ))}
        {diagnostics && diagnostics.length > 0 && <h3 className="ll-diags__group">{t('diagnosticsPanel.wholeDesign')}</h3>}
        {bySeverity(diagnostics ?? []).map((d, i) => (
          <DiagnosticRow key={`${d.code}-${d.nodeId ?? d.edgeId ?? ''}-${i}`} diagnostic={d} />
        ))}
      </div>
    );
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
  const sorted = bySeverity(diagnostics);
  return (
    <div className="ll-diags" data-testid="diagnostics">
      {sorted.map((d, i) => (
        <DiagnosticRow key={`${d.code}-${d.nodeId ?? d.edgeId ?? ''}-${i}`} diagnostic={d} />
      ))}
    </div>
  );
}
