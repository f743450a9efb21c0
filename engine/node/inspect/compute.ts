/**
 * Answers the Inspect panel's `inspectCompute` request for a run folder: the layer list, the pinned sample and
 * one view (kernels, feature maps or CAM) with its pictures as PNG data URLs. Runs in the inspect worker
 * process (`worker.ts`); keeps the last loaded run and dataset so moving between nodes and samples is quick.
 */
import { statSync } from 'node:fs';
import { modelOutputs, type Tf } from '../../compile/compile';
import type { InspectComputeRequest, InspectComputeResponse } from '../../../contract/inspect';
import type { Dataset } from '../train/data/types';
import { inspectCam, inspectFeatures, inspectKernels } from './inspect';
import { encodePng } from './png';
import { loadInspectRun, loadRunDataset, loadSample, runModelPath, type InspectRun } from './run-folder';
import { DesignError } from '../../errors';
import { resolveLayer } from '../../inspect/layers';
import { sampleToRgba, type RgbaImage } from '../../inspect/render';

const dataUrl = (img: RgbaImage) => `data:image/png;base64,${encodePng(img).toString('base64')}`;

/** The model's outputs in order: the design's Output block names when the run has its design, else the layers'. */
function outputNames(run: InspectRun): string[] {
  const layers = run.model.outputs.map((o) => o.sourceLayer.name);
  if (!run.design) return layers;
  const blocks = modelOutputs(run.design.analysis).map((o) => o.name);
  return blocks.length === layers.length ? blocks : layers;
}

/** Loaded runs and datasets, kept between requests. */
export class InspectCache {
  private run: { key: string; run: InspectRun } | null = null;
  private data: { key: string; data: Dataset } | null = null;

  constructor(private readonly tf: Tf) {}

  /** The run in `dir`, reloaded when its model file changed (a new epoch's checkpoint). */
  async loadRun(dir: string): Promise<{ run: InspectRun; modelTime: number }> {
    const modelPath = runModelPath(dir);
    const modelTime = modelPath ? statSync(modelPath).mtimeMs : 0;
    const key = `${modelPath}@${modelTime}`;
    if (this.run?.key !== key) {
      this.run?.run.model.dispose();
      this.run = null;
      this.run = { key, run: await loadInspectRun(this.tf, dir) };
    }
    return { run: this.run.run, modelTime };
  }

  /** The run's dataset (cached by its spec). */
  dataset(run: InspectRun): Dataset {
    const key = JSON.stringify(run.dataset);
    if (this.data?.key !== key) this.data = { key, data: loadRunDataset(run) };
    return this.data.data;
  }
}

/** Computes one request against the run in `dir`; `DesignError`s carry what the user should fix. */
export async function computeInspect(tf: Tf, cache: InspectCache, dir: string, req: InspectComputeRequest): Promise<InspectComputeResponse> {
  const t0 = performance.now();
  const { run, modelTime } = await cache.loadRun(dir);
  const layer = resolveLayer(run.layers, req.node, req.view);
  let sample: InspectComputeResponse['sample'] = null;
  let pinned: ReturnType<typeof loadSample> | null = null;
  if (run.dataset) {
    const data = cache.dataset(run);
    pinned = loadSample(run, Math.min(req.sample, Math.max(0, data.test.count - 1)), data);
    const [h, w, c] = pinned.shape;
    const index = Math.min(req.sample, data.test.count - 1);
    sample = { index, label: pinned.label, count: data.test.count, image: { width: w, height: h, channels: c === 1 ? 1 : 3, pixels: Buffer.from(pinned.pixels).toString('base64') } };
  } else if (req.view !== 'kernels') {
    throw new DesignError('data-mismatch', 'this run does not record its dataset, so there is no sample to pin', 'sample');
  }
  const out: InspectComputeResponse = {
    runId: req.runId,
    modelSource: run.modelPath.includes('checkpoints') ? 'checkpoint' : 'model',
    modelTime,
    layers: run.layers,
    layer,
    classNames: run.classNames,
    outputs: outputNames(run),
    sample,
    kernels: null,
    features: null,
    cam: null,
    seconds: 0,
  };
  if (req.view === 'kernels') {
    const k = inspectKernels(run, layer.layerName);
    out.kernels = { shape: k.kernels.shape, shown: Math.min(64, k.kernels.shape[3]), image: dataUrl(k.image) };
  } else if (req.view === 'features') {
    const f = inspectFeatures(tf, run, layer.layerName, pinned!, req.topN);
    const scale = Math.max(1, Math.round(96 / Math.max(f.maps.height, f.maps.width)));
    out.features = {
      height: f.maps.height,
      width: f.maps.width,
      totalChannels: f.maps.totalChannels,
      channels: f.maps.channels.map((ch) => {
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of ch.map) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        const grey = Array.from(ch.map, (v) => Math.round((255 * (v - lo)) / (hi - lo || 1)));
        return { index: ch.index, mean: ch.mean, image: dataUrl(sampleToRgba(grey, f.maps.height, f.maps.width, 1, scale)) };
      }),
    };
  } else {
    const c = await inspectCam(tf, run, layer.layerName, pinned!, req.classIndex, req.output);
    out.cam = { method: c.cam.method, output: c.cam.output, predicted: c.cam.predicted, classIndex: c.cam.classIndex, probabilities: c.cam.probabilities, overlay: dataUrl(c.image), coarse: { height: c.cam.coarse.height, width: c.cam.coarse.width }, peak: Math.max(0, ...c.cam.coarse.values) };
  }
  out.seconds = (performance.now() - t0) / 1000;
  return out;
}
