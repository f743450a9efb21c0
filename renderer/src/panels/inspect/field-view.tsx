/**
 * The receptive field drawn on a real image: a sample of the design's dataset (or an image file dropped on
 * it), the grid of unit centres of the hovered or selected node, and the field of one unit, which follows the
 * pointer. Numbers come from the analysis (size, effective stride and padding per axis); where paths merge the
 * analysis keeps the largest field, and a note says when the merged paths are misaligned.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SampleImage as Sample } from '../../../../contract/training-runs';
import { getHostClient } from '../../host';
import { diagnosticText } from '../../i18n/messages';
import { useEditor } from '../../store';
import { parseDatasetText } from '../training/dataset-spec';
import { toRgba } from '../training/sample-image';
import { clipBox, fieldBox, nearestUnit, unitCentre, type Unit } from './field-geometry';

const VIEW = 336;

/**
 * The canvas node last hovered (React Flow marks node elements with `data-id`). It stays while the pointer
 * travels to the image, so the field can be explored there; hovering the empty canvas clears it.
 */
function useHoveredNode(): string | null {
  const [hovered, setHovered] = useState<string | null>(null);
  useEffect(() => {
    const over = (e: PointerEvent) => {
      const target = e.target as Element | null;
      const el = target?.closest?.('.react-flow__node[data-id]');
      if (el) setHovered(el.getAttribute('data-id'));
      else if (target?.closest?.('.react-flow__pane')) setHovered(null);
    };
    document.addEventListener('pointerover', over);
    return () => document.removeEventListener('pointerover', over);
  }, []);
  return hovered;
}

/** Reads a dropped image file into a sample of the input's size and channel count. */
async function fileToSample(file: File, h: number, w: number, channels: 1 | 3): Promise<Sample> {
  const bitmap = await createImageBitmap(file);
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, w, h);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const out = new Uint8Array(w * h * channels);
  for (let i = 0; i < w * h; i++) {
    if (channels === 1) out[i] = Math.round(0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2]);
    else for (let c = 0; c < 3; c++) out[i * 3 + c] = rgba[i * 4 + c];
  }
  let bin = '';
  for (const b of out) bin += String.fromCharCode(b);
  return { width: w, height: h, channels, pixels: btoa(bin) };
}

/** A flat grey stand-in when no dataset sample can be loaded (the geometry is still right). */
function blankSample(h: number, w: number): Sample {
  return { width: w, height: h, channels: 1, pixels: btoa('`'.repeat(h * w)) }; // '`' is byte 96: a mid grey
}

/** The receptive-field tab. */
export const FieldView = memo(function FieldView() {
  const doc = useEditor((s) => s.doc);
  const { t } = useTranslation();
  const analysis = useEditor((s) => s.analysis);
  const selection = useEditor((s) => s.selection);
  const hovered = useHoveredNode();
  const [samples, setSamples] = useState<Sample[]>([]);
  const [pick, setPick] = useState(0);
  const [dropped, setDropped] = useState<Sample | null>(null);
  const [unit, setUnit] = useState<Unit | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  const inputNode = doc.nodes.find((n) => n.type === 'Input');
  const inputShape = (inputNode && analysis?.nodes[inputNode.id]?.outputShape) || null;
  const [H, W, C] = inputShape && inputShape.length === 3 ? inputShape : [0, 0, 0];

  // The node shown: the hovered one, else the selected one, else the last node that has a spatial field.
  const fallback = useMemo(() => {
    if (!analysis) return null;
    const spatial = doc.nodes.filter((n) => analysis.nodes[n.id]?.receptiveField && analysis.nodes[n.id]?.outputShape?.length === 3 && n.type !== 'Input');
    return spatial.at(-1)?.id ?? null;
  }, [doc.nodes, analysis]);
  const nodeId = [hovered, selection[0], fallback].find((id) => id && analysis?.nodes[id]?.receptiveField) ?? null;
  const node = nodeId ? doc.nodes.find((n) => n.id === nodeId) : undefined;
  const na = nodeId ? analysis?.nodes[nodeId] : undefined;
  const rf = na?.receptiveField ?? null;
  const out = na?.outputShape;
  const rows = out && out.length === 3 ? out[0] : 1;
  const cols = out && out.length === 3 ? out[1] : 1;
  const misaligned = nodeId ? analysis?.diagnostics.find((d) => d.code === 'rf-misaligned' && d.nodeId === nodeId) : undefined;

  useEffect(() => {
    if (!H || !W) return;
    let live = true;
    getHostClient()
      .call('trainingDatasetPreview', { dataset: parseDatasetText(doc.training.dataset), perClass: 1, inputShape: [H, W, C] })
      .then((p) => live && setSamples(p.samples.map((s) => s.image).filter((s) => s.height === H && s.width === W)))
      .catch(() => live && setSamples([]));
    return () => {
      live = false;
    };
  }, [doc.training.dataset, H, W, C]);

  const image = dropped && dropped.height === H && dropped.width === W ? dropped : samples[pick] ?? (H && W ? blankSample(H, W) : null);
  const shownUnit = unit && unit.row < rows && unit.col < cols ? unit : { row: Math.floor((rows - 1) / 2), col: Math.floor((cols - 1) / 2) };
  const scale = H && W ? VIEW / Math.max(H, W) : 1;

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !image) return;
    const cw = W * scale;
    const ch = H * scale;
    ctx.clearRect(0, 0, cw, ch);
    const tmp = new OffscreenCanvas(image.width, image.height);
    tmp.getContext('2d')!.putImageData(new ImageData(toRgba(image), image.width, image.height), 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tmp, 0, 0, cw, ch);
    if (!rf) return;
    const box = fieldBox(rf, shownUnit);
    const inside = clipBox(box, H, W);
    // Dim what the unit does not see.
    ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
    ctx.fillRect(0, 0, cw, ch);
    if (inside) ctx.drawImage(tmp, inside.left, inside.top, inside.right - inside.left, inside.bottom - inside.top, inside.left * scale, inside.top * scale, (inside.right - inside.left) * scale, (inside.bottom - inside.top) * scale);
    // Unit centres (at most ~64 per axis drawn, so big maps stay readable).
    const stepR = Math.max(1, Math.ceil(rows / 64));
    const stepC = Math.max(1, Math.ceil(cols / 64));
    ctx.fillStyle = 'rgba(124, 200, 255, 0.9)';
    for (let r = 0; r < rows; r += stepR) {
      for (let c = 0; c < cols; c += stepC) {
        const y = (unitCentre(rf, 0, r) + 0.5) * scale;
        const x = (unitCentre(rf, 1, c) + 0.5) * scale;
        if (y >= 0 && y <= ch && x >= 0 && x <= cw) ctx.fillRect(x - 1.5, y - 1.5, 3, 3);
      }
    }
    // The whole field, dashed where it hangs over the border (that part is padding).
    ctx.setLineDash([5, 4]);
    ctx.strokeStyle = 'rgba(255, 200, 60, 0.9)';
    ctx.lineWidth = 1.5;
    ctx.strokeRect(box.left * scale, box.top * scale, (box.right - box.left) * scale, (box.bottom - box.top) * scale);
    ctx.setLineDash([]);
    if (inside) {
      ctx.strokeStyle = '#ffc83c';
      ctx.lineWidth = 2.5;
      ctx.strokeRect(inside.left * scale, inside.top * scale, (inside.right - inside.left) * scale, (inside.bottom - inside.top) * scale);
    }
    const cy = (unitCentre(rf, 0, shownUnit.row) + 0.5) * scale;
    const cx = (unitCentre(rf, 1, shownUnit.col) + 0.5) * scale;
    ctx.fillStyle = '#ff4d6d';
    ctx.beginPath();
    ctx.arc(cx, cy, 4, 0, Math.PI * 2);
    ctx.fill();
  }, [image, rf, rows, cols, shownUnit.row, shownUnit.col, H, W, scale]);

  if (!analysis || !H || !W) return <p className="ll-inspect__empty">{t('inspect.field.needsInput')}</p>;
  return (
    <div className="ll-inspect__view ll-inspect__row" data-testid="inspect-field">
      <div
        className="ll-inspect__field"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          const file = e.dataTransfer.files[0];
          if (file) void fileToSample(file, H, W, C === 3 ? 3 : 1).then(setDropped).catch(() => useEditor.getState().showToast('error', t('inspect.field.notImage', { file: file.name })));
        }}
      >
        <canvas
          ref={canvas}
          width={W * scale}
          height={H * scale}
          data-testid="inspect-field-canvas"
          onPointerMove={(e) => {
            if (!rf) return;
            const r = e.currentTarget.getBoundingClientRect();
            setUnit(nearestUnit(rf, rows, cols, (e.clientY - r.top) / scale - 0.5, (e.clientX - r.left) / scale - 0.5));
          }}
        />
        <div className="ll-inspect__thumbs">
          {samples.slice(0, 10).map((s, i) => (
            <button key={i} className={!dropped && i === pick ? 'is-active' : undefined} onClick={() => { setDropped(null); setPick(i); }} aria-label={t('inspect.field.sample', { n: i + 1 })}>
              <canvas width={s.width} height={s.height} ref={(el) => el?.getContext('2d')?.putImageData(new ImageData(toRgba(s), s.width, s.height), 0, 0)} />
            </button>
          ))}
          <span className="ll-inspect__hint">{t('inspect.field.dropHere')}</span>
        </div>
      </div>
      <div className="ll-inspect__facts" data-testid="inspect-field-facts">
        {node && rf ? (
          <>
            <h4>
              {node.name} <small>{node.type}</small>
            </h4>
            <dl>
              <dt>{t('inspect.field.size')}</dt>
              <dd>{t('inspect.field.sizeValue', { fh: rf.size[0], fw: rf.size[1], h: H, w: W, pct: Math.round((100 * Math.min(rf.size[0], H) * Math.min(rf.size[1], W)) / (H * W)) })}</dd>
              <dt>{t('inspect.field.stride')}</dt>
              <dd>{t('inspect.field.strideValue', { sh: rf.stride[0], sw: rf.stride[1] })}</dd>
              <dt>{t('inspect.field.padding')}</dt>
              <dd>{t('inspect.field.paddingValue', { ph: rf.padding[0], pw: rf.padding[1] })}</dd>
              <dt>{t('inspect.field.unit')}</dt>
              <dd>{t('inspect.field.unitValue', { row: shownUnit.row, col: shownUnit.col, rows, cols })}</dd>
            </dl>
            <p className="ll-inspect__formula">RF<sub>new</sub> = RF<sub>old</sub> + (k − 1) · S<sub>eff</sub>, S<sub>eff,new</sub> = S<sub>eff</sub> · s</p>
            {misaligned && <p className="ll-inspect__note is-warning" data-testid="inspect-field-misaligned">{t('inspect.field.misaligned', { text: diagnosticText(misaligned) })}</p>}
            <p className="ll-inspect__hint">{t('inspect.field.hint')}</p>
          </>
        ) : (
          <p className="ll-inspect__hint">{t('inspect.field.pick')}</p>
        )}
      </div>
    </div>
  );
});
