/** The inspector: the selected node's name, parameters (validated as you type) and figures; actions for a multi-selection. */
import { useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { deleteSelection, duplicateSelection, makeBlockFromSelection, toggleCollapsed } from '../canvas/actions';
import { composeFields, countUses, getBlock, type DesignNode, type ReceptiveField } from '../engine';
import { blockDescription, paramLabel } from '../i18n/blocks';
import { useEditor } from '../store';
import { blockInputField, canvasAnalysis, innerSelection, scopeView, viewDoc, type InnerSelection } from '../store/scope';
import { formatBytes, formatInt, formatPair, formatShape } from '../ui/format';
import { Icon } from '../ui/icons';
import { RichText } from '../ui/rich-text';
import { fieldsOf } from './param-fields';
import { ParamInput } from './param-input';
import { DiagnosticRow } from './diagnostics';
import { BlockExplainView } from './inspect/block-explain';
import { SearchFields } from './search/search-fields';

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="ll-stat">
      <span>{label}</span>
      <strong className="mono" data-testid={testId}>{value}</strong>
    </div>
  );
}

function NameField({ node, scope }: { node: DesignNode; scope?: readonly string[] }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft !== null && draft.trim() && draft !== node.name) useEditor.getState().dispatch({ kind: 'renameNode', nodeId: node.id, name: draft }, scope ? { scope } : undefined);
    setDraft(null);
  };
  return (
    <input
      className="ll-inspector__name"
      value={draft ?? node.name}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        if (e.key === 'Escape') setDraft(null);
      }}
      aria-label={t('inspector.layerName')}
      data-testid="inspector-name"
    />
  );
}

/** A receptive field as the inspector writes it (`7×7 px`, `at least 7×7 px`). */
function fieldText(rf: ReceptiveField, t: (key: string, values: Record<string, unknown>) => string): string {
  return t(rf.lowerBound ? 'inspector.rfAtLeast' : 'inspector.rf', { size: formatPair(rf.size) });
}

/**
 * Inside a composite (opened, or a layer of an expanded one), a layer's field counted from the design's input: its
 * field within the block composed with the field of the block's input where the block is used; null elsewhere.
 */
function useDesignField(rf: ReceptiveField | null, inner: InnerSelection | undefined): ReceptiveField | null {
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const scope = useEditor((s) => s.scope);
  const path = inner?.path ?? scope;
  return useMemo(() => {
    if (!rf || !path.length) return null;
    const outer = blockInputField(doc, analysis, path);
    return outer ? composeFields(outer, rf) : null;
  }, [rf, doc, analysis, path]);
}

/**
 * The inspector of one node. `inner`: the node is a layer of a composite expanded on the canvas, edited in place
 * (its commands go to that composite's scope, its figures come from the analysis of that scope).
 */
function NodeInspector({ node, inner }: { node: DesignNode; inner?: InnerSelection }) {
  const { t } = useTranslation();
  const spec = getBlock(node.type);
  const a = useEditor((s) => (inner ? inner.analysis : canvasAnalysis(s).analysis)?.nodes[node.id]);
  const diags = useEditor(useShallow((s) => ((inner ? inner.analysis : canvasAnalysis(s).analysis)?.diagnostics ?? []).filter((d) => d.nodeId === node.id)));
  const scope = inner?.path;
  const composites = useEditor((s) => s.doc.composites);
  const useCount = useEditor((s) => countUses(s.doc, String(node.params.definition)));
  const boundary = useEditor((s) => scopeView(s.doc, s.scope).boundary.has(node.id));
  const inScope = useEditor((s) => s.scope.length > 0);
  const designField = useDesignField(a?.receptiveField ?? null, inner);
  if (!spec) return <div className="ll-empty">{t('inspector.unknownType', { type: node.type })}</div>;
  // A user-defined block's only param is its definition link: shown, not edited.
  const definition = node.type === 'Composite' ? composites.find((c) => c.id === node.params.definition) : undefined;
  const fields = node.type === 'Composite' || boundary ? [] : fieldsOf(spec.params).map((f) => ({ ...f, label: paramLabel(f.key, f.label) }));
  const params = node.params;
  let resolved: Record<string, unknown> = params;
  const parsed = spec.params.safeParse(params);
  if (parsed.success) resolved = parsed.data as Record<string, unknown>;
  const rf = a?.receptiveField;
  return (
    <div className="ll-inspector" data-testid="inspector">
      <div className="ll-inspector__header" style={{ ['--node-accent' as string]: `var(--cat-${spec.category})` }}>
        <span className="ll-node__dot" />
        <NameField node={node} scope={scope} />
        <span className="ll-chip">{spec.label}</span>
      </div>
      <p className="ll-inspector__desc">
        <RichText text={blockDescription(spec.type, spec.description)} />
      </p>
      {spec.explain && !boundary && <BlockExplainView type={spec.type} explain={spec.explain} />}
      {boundary && (
        <p className="ll-inspector__desc" data-testid="boundary-note">
          {t(node.type === 'Input' ? 'inspector.boundaryInput' : 'inspector.boundaryOutput')}
        </p>
      )}
      {inner && (
        <p className="ll-inspector__desc" data-testid="inner-note">
          <Trans t={t} i18nKey="inspector.innerNote" values={{ block: inner.path[inner.path.length - 1] }} components={{ strong: <strong /> }} />{' '}
          <button className="ll-button" onClick={() => useEditor.getState().enterScope(inner.path[inner.path.length - 1])} data-testid="open-parent">
            <Icon name="layers" size={12} /> {t('inspector.openParent')}
          </button>
        </p>
      )}
      {spec.kind === 'composite' && !inner && (
        <button className="ll-button is-block" onClick={() => useEditor.getState().enterScope(node.id)} data-testid="open-composite">
          <Icon name="layers" size={14} /> {t('inspector.editLayers')}
        </button>
      )}
      {spec.kind === 'composite' && !inner && (
        <button className="ll-button is-block" onClick={() => toggleCollapsed(node.id)}>
          <Icon name={node.collapsed === false ? 'collapse' : 'expand'} size={14} />
          {node.collapsed === false ? t('inspector.collapse') : t('inspector.expand')}
        </button>
      )}
      {definition && (
        <div className="ll-stats">
          <div className="ll-stat">
            <span>{t('inspector.definition')}</span>
            <strong>{definition.name}</strong>
          </div>
          <div className="ll-stat">
            <span>{t('inspector.layers')}</span>
            <strong className="mono">{definition.nodes.length}</strong>
          </div>
          <div className="ll-stat">
            <span>{t('inspector.uses')}</span>
            <strong className="mono">{useCount}</strong>
          </div>
        </div>
      )}
      {fields.length > 0 && <h3 className="ll-section-title">{t('inspector.parameters')}</h3>}
      <div className="ll-fields">
        {fields.map((f) => (
          <ParamInput key={`${scope?.join('/') ?? ''}/${node.id}.${f.key}`} nodeId={node.id} schema={spec.params} params={params} spec={f} value={resolved[f.key]} scope={scope} />
        ))}
      </div>
      {/* The search space names the design's own nodes: not the layers inside a composite. */}
      {!inner && !inScope && <SearchFields node={node} />}
      <h3 className="ll-section-title">{t('inspector.output')}</h3>
      <div className="ll-stats">
        <Stat label={t('inspector.shape')} value={a ? formatShape(a.outputShape) : '—'} testId="inspector-shape" />
        <Stat label={t('inspector.parameters')} value={a ? formatInt(a.params.trainable + a.params.nonTrainable) : '—'} />
        {a && a.params.nonTrainable > 0 && <Stat label={t('inspector.nonTrainable')} value={formatInt(a.params.nonTrainable)} />}
        <Stat label={t('inspector.macs')} value={a ? formatInt(a.macs) : '—'} />
        <Stat label={t('inspector.activations')} value={a ? formatBytes(a.memory.activationBytes) : '—'} />
        <Stat label={t(inScope || inner ? 'inspector.receptiveFieldInBlock' : 'inspector.receptiveField')} value={rf ? fieldText(rf, t) : '—'} testId="inspector-rf" />
        {designField && <Stat label={t('inspector.receptiveFieldInDesign')} value={fieldText(designField, t)} testId="inspector-rf-design" />}
        {rf && <Stat label={t('inspector.effectiveStride')} value={formatPair(rf.stride)} />}
      </div>
      {diags.length > 0 && (
        <>
          <h3 className="ll-section-title">{t('inspector.problems')}</h3>
          {diags.map((d, i) => (
            <DiagnosticRow key={i} diagnostic={d} compact />
          ))}
        </>
      )}
    </div>
  );
}

function SelectionInspector({ ids }: { ids: string[] }) {
  const { t } = useTranslation();
  const [name, setName] = useState(() => t('inspector.defaultBlockName'));
  return (
    <div className="ll-inspector">
      <div className="ll-inspector__header">
        <strong>{t('inspector.selected', { count: ids.length })}</strong>
      </div>
      <div className="ll-field">
        <label htmlFor="ll-block-name">{t('inspector.makeReusable')}</label>
        <div className="ll-row">
          <input id="ll-block-name" className="ll-input" value={name} onChange={(e) => setName(e.target.value)} data-testid="block-name" />
          <button className="ll-button is-primary" onClick={() => makeBlockFromSelection(name)} data-testid="make-block">
            <Icon name="box" size={14} /> {t('inspector.makeBlock')}
          </button>
        </div>
      </div>
      <div className="ll-row">
        <button className="ll-button" onClick={duplicateSelection}>
          <Icon name="copy" size={14} /> {t('inspector.duplicate')}
        </button>
        <button className="ll-button is-danger" onClick={deleteSelection}>
          <Icon name="trash" size={14} /> {t('inspector.delete')}
        </button>
      </div>
    </div>
  );
}

function DocumentInspector() {
  const { t } = useTranslation();
  const { name, description, source, count } = useEditor(useShallow((s) => ({ name: s.doc.name, description: s.doc.description, source: s.doc.source, count: s.doc.nodes.length })));
  return (
    <div className="ll-inspector">
      <div className="ll-inspector__header">
        <strong className="ll-inspector__title">{name}</strong>
      </div>
      {description && <p className="ll-inspector__desc">{description}</p>}
      {source && <p className="ll-inspector__source">{source}</p>}
      <p className="ll-empty">
        {count ? t('inspector.selectHint') : t('inspector.emptyHint')}
      </p>
    </div>
  );
}

/** The inspector tab. */
export function Inspector() {
  const selection = useEditor((s) => s.selection);
  const node = useEditor((s) => (s.selection.length === 1 ? viewDoc(s).nodes.find((n) => n.id === s.selection[0]) : undefined));
  const inner = useEditor(innerSelection);
  if (node) return <NodeInspector node={node} />;
  if (inner) return <NodeInspector key={inner.path.join('/')} node={inner.node} inner={inner} />;
  if (selection.length > 1) return <SelectionInspector ids={selection} />;
  return <DocumentInspector />;
}
