/**
 * Where a unit's receptive field lies on the input image, from the analysis' size, effective stride and
 * effective padding per axis (Araujo et al., Distill 2019): the centre of unit i is
 * (size − 1) / 2 − padding + i · stride, and its field spans size pixels around it.
 */
import type { ReceptiveField } from '../../engine';

/** A unit's position in a layer's output grid. */
export interface Unit {
  row: number;
  col: number;
}

/** A box in input pixels: `[top, left]` of the first covered pixel, `[bottom, right]` one past the last. */
export interface FieldBox {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Centre of unit `i` along axis `a` (0 = height, 1 = width), in input pixel coordinates (pixel centres at .0). */
export function unitCentre(rf: ReceptiveField, a: 0 | 1, i: number): number {
  return (rf.size[a] - 1) / 2 - rf.padding[a] + i * rf.stride[a];
}

/** The field of `unit` (may extend past the image: that part is padding). */
export function fieldBox(rf: ReceptiveField, unit: Unit): FieldBox {
  const cy = unitCentre(rf, 0, unit.row);
  const cx = unitCentre(rf, 1, unit.col);
  return { top: cy - (rf.size[0] - 1) / 2, left: cx - (rf.size[1] - 1) / 2, bottom: cy + (rf.size[0] - 1) / 2 + 1, right: cx + (rf.size[1] - 1) / 2 + 1 };
}

/** The unit of an `rows × cols` output whose centre is nearest input pixel (`y`, `x`). */
export function nearestUnit(rf: ReceptiveField, rows: number, cols: number, y: number, x: number): Unit {
  const pick = (a: 0 | 1, v: number, n: number) => Math.max(0, Math.min(n - 1, Math.round((v - unitCentre(rf, a, 0)) / rf.stride[a])));
  return { row: pick(0, y, rows), col: pick(1, x, cols) };
}

/** The part of a box inside an `h × w` image, or null when it lies wholly outside. */
export function clipBox(box: FieldBox, h: number, w: number): FieldBox | null {
  const c = { top: Math.max(0, box.top), left: Math.max(0, box.left), bottom: Math.min(h, box.bottom), right: Math.min(w, box.right) };
  return c.bottom > c.top && c.right > c.left ? c : null;
}
