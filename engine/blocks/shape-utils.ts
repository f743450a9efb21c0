/**
 * Shape arithmetic shared by every block (as tfjs-layers' `utils/conv_utils.ts`): written once, used everywhere.
 */
import type { DiagnosticCode, MessageValues } from '../messages';
import type { Padding } from './params';
import type { RfTransfer, RuleError, Shape, ShapeResult } from './types';

/** Kernel extent with dilation: k' = d(k - 1) + 1. */
export function dilatedKernel(kernel: number, dilation = 1): number {
  return dilation * (kernel - 1) + 1;
}

/** Output length of a convolution or pooling along one axis, exactly as tfjs-layers' `convOutputLength`. */
export function convOutputLength(length: number, kernel: number, padding: Padding, stride: number, dilation = 1): number {
  const out = padding === 'same' ? length : length - dilatedKernel(kernel, dilation) + 1;
  return Math.floor((out + stride - 1) / stride);
}

/** Output length of a transposed convolution along one axis (tfjs-layers' `deconvLength`). */
export function deconvLength(length: number, kernel: number, padding: Padding, stride: number): number {
  return padding === 'valid' ? length * stride + Math.max(kernel - stride, 0) : length * stride;
}

/**
 * TensorFlow's 'same' padding along one axis: output `ceil(in / stride)`, the total padding split with the
 * extra pixel at the end (bottom/right). Returns `[before, after]`.
 */
export function samePadding(length: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + dilatedKernel(kernel, dilation) - length, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Zeros actually added before the first element (top/left) by `padding` for this input length (TensorFlow's rule). */
export function padBefore(length: number, kernel: number, padding: Padding, stride: number, dilation = 1): number {
  return padding === 'valid' ? 0 : samePadding(length, kernel, stride, dilation)[0];
}

/** Number of elements of a shape. */
export function product(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Formats a shape as `28x28x64`. */
export function formatShape(shape: Shape | null | undefined): string {
  return shape ? (shape.length ? shape.join('x') : 'scalar') : '?';
}

/** A failed `ShapeResult`. */
export function fail(code: DiagnosticCode, message: string, values?: MessageValues): ShapeResult {
  return { ok: false, error: { code, message, ...(values ? { values } : {}) } };
}

/** Checks that a block got one `[h, w, c]` input; returns the error otherwise. */
export function needsImage(inputs: Shape[], label: string): RuleError | null {
  const x = inputs[0];
  if (!x || x.length !== 3) {
    return {
      code: 'needs-image',
      message: `${label} needs a [height, width, channels] input, got ${x ? `[${x.join(', ')}]` : 'nothing'}`,
      values: x ? { block: label, got: `[${x.join(', ')}]` } : { block: label, context: 'nothing' },
    };
  }
  return null;
}

/** Spatial output `[h, w]` of a sliding window over an image input, or the error naming the axis that shrinks to <= 0. */
export function windowOutput(
  input: Shape,
  kernel: readonly [number, number],
  strides: readonly [number, number],
  padding: Padding,
  dilation: readonly [number, number] = [1, 1],
): { ok: true; hw: [number, number] } | { ok: false; error: RuleError } {
  const hw: [number, number] = [0, 0];
  for (let a = 0; a < 2; a++) {
    hw[a] = convOutputLength(input[a], kernel[a], padding, strides[a], dilation[a]);
    if (hw[a] <= 0) {
      const axis = a === 0 ? 'height' : 'width';
      const k = dilatedKernel(kernel[a], dilation[a]);
      return {
        ok: false,
        error: {
          code: 'spatial-too-small',
          message: `output ${axis} would be ${hw[a]}: input ${axis} ${input[a]} is smaller than the ${dilation[a] > 1 ? 'dilated ' : ''}kernel ${k} with 'valid' padding`,
          values: { size: hw[a], input: input[a], kernel: k, context: `${axis}${dilation[a] > 1 ? '_dilated' : ''}` },
        },
      };
    }
  }
  return { ok: true, hw };
}

/** Receptive-field transfer of a sliding window on this input (padding as actually applied). */
export function windowTransfer(
  input: Shape,
  kernel: readonly [number, number],
  strides: readonly [number, number],
  padding: Padding,
  dilation: readonly [number, number] = [1, 1],
): RfTransfer {
  return {
    kernel: [dilatedKernel(kernel[0], dilation[0]), dilatedKernel(kernel[1], dilation[1])],
    stride: [strides[0], strides[1]],
    padding: [padBefore(input[0], kernel[0], padding, strides[0], dilation[0]), padBefore(input[1], kernel[1], padding, strides[1], dilation[1])],
  };
}
