/** An expanded composite: a frame around its inner blocks, with the composite's own ports and a collapse button. */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { getBlock, inputPorts } from '../engine';
import { useEditor } from '../store';
import { canvasAnalysis } from '../store/scope';
import { formatCompact, formatShape } from '../ui/format';
import { Icon } from '../ui/icons';
import { toggleCollapsed } from './actions';
import { useNodeAnalysis } from './block-node';
import { useZoomedOut } from './detail';
import type { GroupFlowNode } from './to-flow';

function GroupNodeImpl({ id, data, selected }: NodeProps<GroupFlowNode>) {
  const { t } = useTranslation();
  const node = data.node;
  const spec = getBlock(node.type);
  const composites = useEditor((s) => s.doc.composites);
  const a = useNodeAnalysis(id);
  const issue = useEditor((s) => canvasAnalysis(s).nodeIssues[id]);
  const ports = inputPorts(node, composites);
  const params = a ? a.params.trainable + a.params.nonTrainable : 0;
  // Zoomed out, the frame keeps its outline and ports but not its title and figures.
  const zoomedOut = useZoomedOut();
  return (
    <div
      className={`ll-group${selected ? ' is-selected' : ''}${issue ? ` has-${issue}` : ''}${zoomedOut ? ' is-simple' : ''}`}
      style={{ '--node-accent': `var(--cat-${spec?.category ?? 'composite'})` } as CSSProperties}
      data-testid={`group-${id}`}
    >
      {ports.map((p, i) => (
        <Handle key={p.name} id={p.name} type="target" position={Position.Top} className="ll-handle" style={{ left: `${((i + 1) / (ports.length + 1)) * 100}%` }} />
      ))}
      {!zoomedOut && (
        <div className="ll-group__head">
          <div className="ll-group__title">
            <span className="ll-node__dot" />
            <span className="ll-node__name">{node.name}</span>
            <button className="ll-node__toggle nodrag nokey" title={t('node.editLayersCanvas')} aria-label={t('node.open')} onClick={() => useEditor.getState().enterScope(id)}>
              <Icon name="layers" size={12} />
            </button>
            <button className="ll-node__toggle nodrag nokey" title={t('inspector.collapse')} aria-label={t('node.collapse')} onClick={() => toggleCollapsed(id)}>
              <Icon name="collapse" size={12} />
            </button>
          </div>
          <div className="ll-group__meta mono">
            <span>{spec?.label ?? node.type}</span> · {t('palette.layers', { count: data.view.inner.length })} · {a ? formatShape(a.outputShape) : '…'} · {formatCompact(params)} {t('node.params')}
          </div>
        </div>
      )}
      <Handle id="out" type="source" position={Position.Bottom} className="ll-handle" />
    </div>
  );
}

/** Memoized group frame. */
export const GroupNode = memo(GroupNodeImpl);
