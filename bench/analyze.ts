/**
 * `npm run bench:analyze`: analysis speed on ResNet-152 (Keras layout, ~500 primitive layers after expansion).
 * Prints medians of: a full analysis (fresh analyzer, fresh document objects), a re-analysis after one
 * parameter edit with the incremental analyzer, and, as the peer, the time tfjs takes to build the same model
 * symbolically (`tf.model` from the analysis' flat layers), with the ratios. Goals: full < 5 ms, edit < 1 ms.
 */
import * as tf from '@tensorflow/tfjs';
import { analyzeDesign, createAnalyzer } from '../engine/analysis';
import type { FlatNode } from '../engine/analysis';
import type { DesignDocument } from '../engine/schema/document';
import { resnet152 } from '../templates/builders/resnet';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** A document whose node i has new params (a new object, as an edit command would produce). */
function withParams(doc: DesignDocument, nodeId: string, patch: Record<string, unknown>): DesignDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? { ...n, params: { ...n.params, ...patch } } : n)) };
}

/** tfjs layer factories by Keras class name (only those a ResNet uses, plus the common ones). */
const FACTORIES: Record<string, (config: Record<string, unknown>) => tf.layers.Layer> = {
  Conv2D: (c) => tf.layers.conv2d(c as never),
  BatchNormalization: (c) => tf.layers.batchNormalization(c as never),
  Activation: (c) => tf.layers.activation(c as never),
  ZeroPadding2D: (c) => tf.layers.zeroPadding2d(c as never),
  MaxPooling2D: (c) => tf.layers.maxPooling2d(c as never),
  GlobalAveragePooling2D: (c) => tf.layers.globalAveragePooling2d(c as never),
  Dense: (c) => tf.layers.dense(c as never),
  Add: (c) => tf.layers.add(c as never),
  Flatten: (c) => tf.layers.flatten(c as never),
};

function buildTfjs(flat: FlatNode[]): tf.LayersModel {
  const tensors = new Map<string, tf.SymbolicTensor>();
  const inputs: tf.SymbolicTensor[] = [];
  const outputs: tf.SymbolicTensor[] = [];
  for (const n of flat) {
    if (n.type === 'Input') {
      const t = tf.input({ shape: [...n.outputShape], name: n.layerName });
      inputs.push(t);
      tensors.set(n.id, t);
    } else if (n.type === 'Output') outputs.push(tensors.get(n.inputs[0])!);
    else {
      const layer = FACTORIES[n.layer!.className]({ ...n.layer!.config, name: n.layerName });
      const ins = n.inputs.map((id) => tensors.get(id)!);
      tensors.set(n.id, layer.apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor);
    }
  }
  return tf.model({ inputs, outputs });
}

async function main() {
  await tf.setBackend('cpu');
  const runs = Number(process.env.RUNS ?? 100);
  const base = resnet152();
  const fresh = () => structuredClone(base);
  const probe = analyzeDesign(base);
  console.log(`ResNet-152: ${base.nodes.length} nodes in the document, ${probe.flat.length} primitive layers, ${probe.totals.params.toLocaleString('en-US')} params`);

  for (let i = 0; i < 50; i++) analyzeDesign(fresh()); // warm-up (JIT tiers up after a few dozen runs)
  // Documents are cloned up front: cloning inside the loop would bill the clone's garbage to the analysis.
  const docs = Array.from({ length: runs }, fresh);
  const full = docs.map((doc) => time(() => analyzeDesign(doc)));

  const edits = [
    { label: 'edit: BN epsilon of conv4_block18 (local)', node: 'conv4_block18', patch: (i: number) => ({ epsilon: 1e-5 + i * 1e-9 }) },
    { label: 'edit: classes of predictions (last layer)', node: 'predictions', patch: (i: number) => ({ units: 1000 + (i % 7) }) },
    { label: 'edit: stride of conv1_conv (every layer)', node: 'conv1_conv', patch: (i: number) => ({ strides: i % 2 ? [2, 2] : [1, 1] }) },
  ];
  const editTimes: { label: string; ms: number }[] = [];
  for (const e of edits) {
    const analyzer = createAnalyzer();
    let doc = fresh();
    analyzer.update(doc);
    const times: number[] = [];
    for (let i = 0; i < runs + 5; i++) {
      doc = withParams(doc, e.node, e.patch(i));
      const t = time(() => analyzer.update(doc));
      if (i >= 5) times.push(t);
    }
    editTimes.push({ label: e.label, ms: median(times) });
  }

  const tfRuns = Number(process.env.TF_RUNS ?? 3);
  const tfTimes: number[] = [];
  for (let i = 0; i < tfRuns; i++) {
    const model = buildTfjs(probe.flat);
    const t = time(() => buildTfjs(probe.flat).dispose());
    model.dispose();
    tfTimes.push(t);
  }
  const tfMs = median(tfTimes);
  const fullMs = median(full);
  const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
  console.log(`full analysis (median of ${runs}):           ${fmt(fullMs)}   goal < 5 ms   tfjs build / analysis = ${(tfMs / fullMs).toFixed(0)}x`);
  for (const e of editTimes) console.log(`${e.label.padEnd(44)} ${fmt(e.ms)}   goal < 1 ms   tfjs build / edit = ${(tfMs / e.ms).toFixed(0)}x`);
  console.log(`peer: tfjs symbolic build tf.model (median of ${tfRuns}, cpu backend, includes weight init): ${fmt(tfMs)}`);
}

await main();
