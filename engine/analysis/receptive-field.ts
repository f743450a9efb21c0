/**
 * Receptive fields w.r.t. the model input, per axis, following Araujo, Norris & Sim, "Computing Receptive
 * Fields of Convolutional Neural Networks" (Distill, 2019). Going forward through a layer with (dilated)
 * kernel k', stride s and real top/left padding q:
 *   size' = size + (k' - 1) · stride,   stride' = stride · s,   padding' = padding + q · stride.
 * The centre of the first unit's field is (size - 1) / 2 - padding; a unit n steps further is n · stride away.
 */
import type { RfTransfer, Shape } from '../blocks/types';
import type { ReceptiveField } from './types';

/** A field plus whether it covers the whole input (after global pooling/Flatten). */
export interface RfState extends ReceptiveField {
  global?: boolean;
}

/** The field of an input pixel (null for non-image inputs: receptive fields are defined for [h, w, c] tensors). */
export function inputField(shape: Shape): RfState | null {
  return shape.length === 3 ? { size: [1, 1], stride: [1, 1], padding: [0, 0] } : null;
}

/** The field after a sliding-window layer. */
export function applyTransfer(rf: RfState, t: RfTransfer): RfState {
  return {
    size: [rf.size[0] + (t.kernel[0] - 1) * rf.stride[0], rf.size[1] + (t.kernel[1] - 1) * rf.stride[1]],
    stride: [rf.stride[0] * t.stride[0], rf.stride[1] * t.stride[1]],
    padding: [rf.padding[0] + t.padding[0] * rf.stride[0], rf.padding[1] + t.padding[1] * rf.stride[1]],
    ...(rf.lowerBound || t.lowerBound ? { lowerBound: true } : {}),
  };
}

/** The field of a layer whose every output sees every input position (global pooling, Flatten of an image). */
export function applyGlobal(rf: RfState, input: Shape): RfState {
  if (rf.global || input.length !== 3) return rf;
  const cover = (a: 0 | 1) => rf.size[a] + (input[a] - 1) * rf.stride[a];
  return { size: [cover(0), cover(1)], stride: [rf.stride[0] * input[0], rf.stride[1] * input[1]], padding: [...rf.padding], global: true, ...(rf.lowerBound ? { lowerBound: true } : {}) };
}

/** Centre of the first unit's field on each axis, in input pixels. */
export function fieldCentre(rf: ReceptiveField): [number, number] {
  return [(rf.size[0] - 1) / 2 - rf.padding[0], (rf.size[1] - 1) / 2 - rf.padding[1]];
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/**
 * Where paths merge, the largest field wins (Araujo et al.). `misaligned` lists the spatial inputs whose
 * effective stride or centre differs from the first spatial input's; inputs that cover the whole image
 * (broadcast context such as squeeze-and-excitation) are not compared.
 */
export function mergeFields(fields: (RfState | null)[]): { field: RfState | null; misaligned: number[] } {
  let best: RfState | null = null;
  for (const f of fields) if (f && (!best || f.size[0] * f.size[1] > best.size[0] * best.size[1])) best = f;
  const misaligned: number[] = [];
  const ref = fields.findIndex((f) => f && !f.global);
  if (ref >= 0) {
    const r = fields[ref]!;
    const rc = fieldCentre(r);
    fields.forEach((f, i) => {
      if (!f || f.global || i === ref) return;
      const c = fieldCentre(f);
      if (!near(f.stride[0], r.stride[0]) || !near(f.stride[1], r.stride[1]) || !near(c[0], rc[0]) || !near(c[1], rc[1])) misaligned.push(i);
    });
  }
  // A path whose field is only a lower bound may see more than the largest exact one: the merge is a bound too.
  const bound = fields.some((f) => f?.lowerBound);
  return { field: best && bound && !best.lowerBound ? { ...best, lowerBound: true } : best, misaligned };
}

/**
 * The field of a unit measured from the model input, given the field of the block input it is measured from
 * (`outer`, w.r.t. the model input) and its field w.r.t. that block input (`inner`): the block's inside acts as
 * one sliding window of kernel `inner.size`, stride `inner.stride` and padding `inner.padding`.
 */
export function composeFields(outer: ReceptiveField, inner: ReceptiveField): ReceptiveField {
  return publicField(applyTransfer(outer, { kernel: inner.size, stride: inner.stride, padding: inner.padding, ...(inner.lowerBound ? { lowerBound: true } : {}) }))!;
}

/** A plain copy for reports (drops the internal `global` flag). */
export function publicField(rf: RfState | null): ReceptiveField | null {
  if (!rf) return null;
  const field: ReceptiveField = { size: [rf.size[0], rf.size[1]], stride: [rf.stride[0], rf.stride[1]], padding: [rf.padding[0], rf.padding[1]] };
  if (rf.lowerBound) field.lowerBound = true;
  return field;
}
