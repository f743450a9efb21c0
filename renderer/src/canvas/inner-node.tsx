/** A block inside an expanded composite: read-only, with its type and (when the analysis has it) output shape. */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, type CSSProperties } from 'react';
import { getBlock } from '../engine';
import { useEditor } from '../store';
import { canvasAnalysis } from '../store/scope';
import { formatShape } from '../ui/format';
import { useZoomedOut } from './detail';
import type { InnerFlowNode } from './to-flow';

function InnerNodeImpl({ id, data, selected }: NodeProps<InnerFlowNode>) {
  const spec = getBlock(data.type);
  const shape = useEditor((s) => canvasAnalysis(s).flatShapes[`${data.compositeId}/${data.innerId}`]);
  const zoomedOut = useZoomedOut();
  const accent = { '--node-accent': `var(--cat-${spec?.category ?? 'core'})` } as CSSProperties;
  if (zoomedOut) {
    return (
      <div className="ll-inner is-simple" style={accent} title={`${data.innerId} · ${spec?.label ?? data.type}`}>
        <Handle id="in" type="target" position={Position.Top} className="ll-handle is-inner" isConnectable={false} />
        <Handle id="out" type="source" position={Position.Bottom} className="ll-handle is-inner" isConnectable={false} />
      </div>
    );
  }
  return (
    <div className={`ll-inner${selected ? ' is-selected' : ''}`} style={accent} data-testid={`inner-${id}`}>
      <Handle id="in" type="target" position={Position.Top} className="ll-handle is-inner" isConnectable={false} />
      <div className="ll-inner__row">
        <span className="ll-node__dot" />
        <span className="ll-inner__type">{spec?.label ?? data.type}</span>
        <span className="ll-inner__name">{data.innerId}</span>
      </div>
      <div className="ll-inner__shape mono">{shape ? formatShape(shape) : ''}</div>
      <Handle id="out" type="source" position={Position.Bottom} className="ll-handle is-inner" isConnectable={false} />
    </div>
  );
}

/** Memoized inner block. */
export const InnerNode = memo(InnerNodeImpl);
