/** A wire labelled with the shape of the tensor it carries (unlabelled when zoomed out); red when a diagnostic points at it. */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { useEditor } from '../store';
import { canvasAnalysis } from '../store/scope';
import { formatShape } from '../ui/format';
import { useZoomedOut } from './detail';
import type { FlowEdge } from './to-flow';

/** The label: its own memoized component, so a new shape re-renders the text and not the wire. */
const ShapeLabel = memo(function ShapeLabel({ id, x, y, selected }: { id: string; x: number; y: number; selected: boolean }) {
  const shape = useEditor((s) => canvasAnalysis(s).analysis?.edges[id]?.shape);
  const issue = useEditor((s) => canvasAnalysis(s).edgeIssues[id]);
  return (
    <div
      className={`ll-edge-label mono${issue ? ` has-${issue}` : ''}${selected ? ' is-selected' : ''}`}
      style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
      data-testid={`edge-label-${id}`}
    >
      {shape ? formatShape(shape) : issue ? '✕' : '?'}
    </div>
  );
});

function ShapeEdgeImpl({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected, data }: EdgeProps<FlowEdge>) {
  const issue = useEditor((s) => canvasAnalysis(s).edgeIssues[id]);
  // Zoomed out, a label would be a smudge: the wire alone, without its wide invisible hit path.
  const zoomedOut = useZoomedOut();
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const cls = `ll-edge${selected ? ' is-selected' : ''}${issue ? ` has-${issue}` : ''}${data?.inner ? ' is-inner' : ''}`;
  return (
    <>
      <BaseEdge id={id} path={path} className={cls} interactionWidth={zoomedOut ? 0 : 16} />
      {!data?.inner && !zoomedOut && (
        <EdgeLabelRenderer>
          <ShapeLabel id={id} x={labelX} y={labelY} selected={!!selected} />
        </EdgeLabelRenderer>
      )}
    </>
  );
}

/** Memoized edge. */
export const ShapeEdge = memo(ShapeEdgeImpl);
