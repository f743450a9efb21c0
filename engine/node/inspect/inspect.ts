/**
 * The inspector's three views of a loaded run — kernels, feature maps, class activation maps — as the numbers
 * the CLI prints with `--json` (and the app's host sends) and as pictures (`RgbaImage`). Shared by
 * `layerloom inspect` and the app's inspect worker, so both show the same thing.
 */
import type { Tf } from '../../compile/compile';
import { classActivationMaps, type CamResult } from '../../inspect/cam';
import { traceModel } from '../../inspect/executor';
import { topFeatureMaps, type FeatureMaps } from '../../inspect/features';
import { kernelsOf, type KernelSet } from '../../inspect/kernels';
import { resolveLayer, type InspectLayer } from '../../inspect/layers';
import { featureTiles, heatOverlay, kernelTiles, sampleToRgba, scaleFor, tileGrid, type RgbaImage } from '../../inspect/render';
import { loadSample, sampleTensor, type InspectRun, type InspectSample } from './run-folder';

/** What to inspect. */
export type InspectWhat = 'kernels' | 'features' | 'cam';

/** Names a layer for output: its tfjs name, and the canvas node it belongs to. */
function nodeLabel(layer: InspectLayer): { node: string; nodeName?: string; className: string } {
  return { node: layer.layerName, ...(layer.nodeName ? { nodeName: layer.nodeName } : {}), className: layer.className };
}

/** Rows of a row-major map, each value rounded to 6 significant digits to keep the JSON readable. */
export function toRows(values: ArrayLike<number>, height: number, width: number): number[][] {
  return Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => Number(values[y * width + x].toPrecision(6))));
}

/** The kernels of a convolution: JSON `{node, shape, weights}` and a tile per filter. */
export function inspectKernels(run: InspectRun, node: string | undefined): { layer: InspectLayer; kernels: KernelSet; json: Record<string, unknown>; image: RgbaImage } {
  const layer = resolveLayer(run.layers, node, 'kernels');
  const kernels = kernelsOf(run.model, layer.layerName);
  const scale = scaleFor(Math.max(kernels.shape[0], kernels.shape[1]), 24);
  return {
    layer,
    kernels,
    json: { ...nodeLabel(layer), shape: kernels.shape, weights: Array.from(kernels.weights, (v) => Number(v.toPrecision(7))) },
    image: tileGrid(kernelTiles(kernels, scale), 8),
  };
}

/** One layer's top-N feature maps for one sample: JSON `{node, channels: [{index, mean, map}]}` and a grid. */
export function inspectFeatures(tf: Tf, run: InspectRun, node: string | undefined, sample: InspectSample, topN = 16): { layer: InspectLayer; maps: FeatureMaps; json: Record<string, unknown>; image: RgbaImage } {
  const layer = resolveLayer(run.layers, node, 'features');
  const x = sampleTensor(tf, [sample]);
  const trace = traceModel(tf, run.model, x);
  let maps: FeatureMaps;
  try {
    const out = trace.output(layer.layerName);
    maps = topFeatureMaps(layer.layerName, out.dataSync(), out.shape.slice(1) as [number, number, number], topN);
  } finally {
    trace.dispose();
    x.dispose();
  }
  return {
    layer,
    maps,
    json: {
      ...nodeLabel(layer),
      sample: sample.source,
      shape: [maps.height, maps.width, maps.totalChannels],
      channels: maps.channels.map((c) => ({ index: c.index, mean: Number(c.mean.toPrecision(6)), map: toRows(c.map, maps.height, maps.width) })),
    },
    image: tileGrid(featureTiles(maps, scaleFor(Math.max(maps.height, maps.width), 64)), 8, 3),
  };
}

/** A class activation map for one sample: JSON `{node, predicted, class, probabilities, heatmap}` and the overlay. */
export async function inspectCam(tf: Tf, run: InspectRun, node: string | undefined, sample: InspectSample, classIndex?: number, output?: number): Promise<{ layer: InspectLayer; cam: CamResult; json: Record<string, unknown>; image: RgbaImage }> {
  const layer = resolveLayer(run.layers, node, 'cam');
  const x = sampleTensor(tf, [sample]);
  let cam: CamResult;
  try {
    [cam] = await classActivationMaps(tf, run.model, x, layer.layerName, { classes: [classIndex], ...(output !== undefined ? { output } : {}) });
  } finally {
    x.dispose();
  }
  const [h, w, c] = sample.shape;
  const base = sampleToRgba(sample.pixels, h, w, c, scaleFor(Math.max(h, w), 224));
  return {
    layer,
    cam,
    json: {
      ...nodeLabel(layer),
      method: cam.method,
      ...(run.model.outputs.length > 1 ? { output: cam.output } : {}),
      sample: sample.source,
      label: sample.label,
      predicted: cam.predicted,
      class: cam.classIndex,
      ...(run.classNames ? { classNames: run.classNames } : {}),
      probabilities: cam.probabilities.map((p) => Number(p.toPrecision(6))),
      heatmap: toRows(cam.heatmap, cam.height, cam.width),
    },
    image: heatOverlay(base, cam.heatmap, cam.height, cam.width, 0.55),
  };
}

/** Runs one view by name (the CLI's `--what`); `sample` is an index or a file, default the first test sample. */
export async function inspectRun(tf: Tf, run: InspectRun, what: InspectWhat, options: { node?: string; sample?: string | number; classIndex?: number; output?: number; topN?: number }): Promise<{ json: Record<string, unknown>; image: RgbaImage }> {
  if (what === 'kernels') return inspectKernels(run, options.node);
  // Resolve the layer before loading a dataset, so a wrong --node fails fast.
  resolveLayer(run.layers, options.node, what);
  const sample = loadSample(run, options.sample);
  if (what === 'features') return inspectFeatures(tf, run, options.node, sample, options.topN);
  return inspectCam(tf, run, options.node, sample, options.classIndex, options.output);
}
