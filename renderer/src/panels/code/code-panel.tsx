/**
 * The code panel: a drawer over the right part of the canvas with the design's code (TypeScript by default,
 * Keras, PyTorch, train.py), read-only and highlighted, linked to the graph both ways; copy and save-as. A target
 * that cannot express the design lists the features at fault, each naming a clickable node.
 */
import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canvasNodeOf, expandedComposites, scopeSourceMap } from '../../../../engine/codegen/source-map';
import { diagnosticText, errorDetailText } from '../../i18n/messages';
import { useEditor } from '../../store';
import { scopeView } from '../../store/scope';
import { Icon } from '../../ui/icons';
import { CodeEditor } from './code-editor';
import { startCodeRunner } from './code-runner';
import { setCodePanelWidth, useCodePanel } from './code-store';
import { saveCodeAs } from './model-io-actions';
import { CODE_TABS, type CodeResult } from './protocol';
import { revealNode } from './reveal';
import './code-panel.css';

type MonacoModule = typeof import('./monaco-setup');
let monacoLoad: Promise<MonacoModule> | null = null;
/** Monaco, loaded on first use (its own chunk). */
function loadMonaco(): Promise<MonacoModule> {
  monacoLoad ??= import('./monaco-setup');
  return monacoLoad;
}

function Unsupported({ result, reveal }: { result: Extract<CodeResult, { kind: 'unsupported' }>; reveal(id: string): void }) {
  const { t } = useTranslation();
  const doc = useEditor((s) => s.doc);
  // train.py belongs to the PyTorch export: what PyTorch cannot express is why it is not shown.
  const label = result.tab === 'train' ? 'PyTorch' : CODE_TABS.find((t) => t.id === result.tab)!.label;
  const expanded = expandedComposites(doc);
  return (
    <div className="ll-code__message" data-testid="code-unsupported">
      <p>
        <strong>{label}</strong> {t('code.cannotExpress', { count: result.features.length })}
      </p>
      <ul>
        {result.features.map((f, i) => (
          <li key={i}>
            {f.nodeId ? (
              <button className="ll-code__node" onClick={() => reveal(canvasNodeOf(f.nodeId, expanded))} data-testid="code-unsupported-node">
                {f.nodeName}
              </button>
            ) : null}{' '}
            {errorDetailText(f)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The panel (renders nothing while closed). */
export function CodePanel() {
  const { t } = useTranslation();
  const { open, tab, result, width } = useCodePanel();
  const theme = useEditor((s) => s.theme);
  const [api, setApi] = useState<MonacoModule['monaco'] | null>(null);
  const [copied, setCopied] = useState(false);
  const section = useRef<HTMLElement>(null);
  const flow = useReactFlow();
  const reveal = useCallback((id: string) => revealNode(flow, id, section.current?.getBoundingClientRect().width ?? 0), [flow]);
  useEffect(() => startCodeRunner(), []);
  useEffect(() => {
    if (open && !api) void loadMonaco().then((m) => setApi(() => m.monaco));
  }, [open, api]);
  const code = result?.kind === 'code' && result.tab === tab ? result : null;
  // While a block is open, its layers' lines are the ones the canvas links to (the block's own when one has none).
  const doc = useEditor((s) => s.doc);
  const scope = useEditor((s) => s.scope);
  const sourceMap = useMemo(() => {
    if (!code || !scope.length) return code?.sourceMap ?? null;
    const view = scopeView(doc, scope);
    if (!view.levels.length) return code.sourceMap;
    return scopeSourceMap(code.flatSourceMap, view.levels.map((l) => l.nodeId), expandedComposites(view.doc));
  }, [code, doc, scope]);
  if (!open) return null;
  const meta = CODE_TABS.find((t) => t.id === tab)!;
  return (
    <section className="ll-code" aria-label={t('topbar.code')} data-testid="code-panel" ref={section} style={width ? { width } : undefined}>
      <div
        className="ll-code__resize"
        role="separator"
        aria-orientation="vertical"
        aria-label={t('code.resize')}
        data-testid="code-resize"
        onPointerDown={(e) => {
          const el = section.current;
          const parent = el?.parentElement;
          if (!el || !parent) return;
          e.preventDefault();
          (e.target as HTMLElement).setPointerCapture(e.pointerId);
          const right = parent.getBoundingClientRect().right;
          const max = parent.getBoundingClientRect().width - 160; // always leave some canvas
          const move = (ev: PointerEvent) => setCodePanelWidth(Math.min(max, Math.max(300, right - ev.clientX)));
          const up = () => {
            window.removeEventListener('pointermove', move);
            window.removeEventListener('pointerup', up);
          };
          window.addEventListener('pointermove', move);
          window.addEventListener('pointerup', up);
        }}
      />
      <header className="ll-code__bar">
        <nav className="ll-tabs ll-code__tabs" role="tablist">
          {CODE_TABS.map((t) => (
            <button key={t.id} role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'is-active' : ''} onClick={() => useCodePanel.getState().setTab(t.id)} data-testid={`code-tab-${t.id}`}>
              {t.label}
            </button>
          ))}
        </nav>
        <div className="ll-code__actions">
          <button
            className="ll-tool"
            title={t('code.copy')}
            aria-label={t('code.copyCode')}
            disabled={!code}
            data-testid="code-copy"
            onClick={() => {
              if (!code) return;
              void navigator.clipboard.writeText(code.text).then(
                () => {
                  setCopied(true);
                  setTimeout(() => setCopied(false), 1200);
                },
                () => useEditor.getState().showToast('error', t('code.copyFailed')),
              );
            }}
          >
            <Icon name={copied ? 'check' : 'copy'} size={15} />
          </button>
          <button className="ll-tool" title={t('menu.saveAs')} aria-label={t('code.saveAs')} disabled={!code} data-testid="code-save-as" onClick={() => code && void saveCodeAs(meta.file, code.text)}>
            <Icon name="save" size={15} />
          </button>
          <button className="ll-tool" title={t('code.close')} aria-label={t('code.close')} data-testid="code-close" onClick={() => useCodePanel.getState().setOpen(false)}>
            <Icon name="x" size={15} />
          </button>
        </div>
      </header>
      <div className="ll-code__body" data-testid="code-body" data-code-tab={tab} data-code-seq={code?.seq ?? ''}>
        {result?.kind === 'unsupported' && <Unsupported result={result} reveal={reveal} />}
        {result?.kind === 'invalid' && (
          <div className="ll-code__message" data-testid="code-invalid">
            {result.error ? t(result.more ? 'code.invalidMore' : 'code.invalid', { error: diagnosticText(result.error), more: result.more }) : result.message}
          </div>
        )}
        {!result && <div className="ll-code__message is-faint">{t('code.generating')}</div>}
        {api && code && sourceMap && <CodeEditor api={api} text={code.text} language={meta.language} sourceMap={sourceMap} scoped={scope.length > 0} theme={theme} onLineNode={reveal} />}
      </div>
    </section>
  );
}
