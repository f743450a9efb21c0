/**
 * Runs a tfjs `LayersModel` layer by layer, eagerly, keeping every intermediate tensor: feature maps are read
 * from it, and Grad-CAM differentiates the class score with respect to one layer's output by re-running only
 * the layers downstream of it (everything else is a constant for that derivative). tfjs' own `predict` cannot
 * give a gradient with respect to an intermediate tensor, and cutting a functional model in two breaks on skip
 * connections that jump over the cut; walking the model's own graph handles both.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../compile/compile';
import { DesignError } from '../errors';

type Sym = tfjs.SymbolicTensor;
type Layer = tfjs.layers.Layer;

/** One step of the walk: a layer and the symbolic tensors it reads and writes (its first call site). */
interface Step {
  layer: Layer;
  inputs: Sym[];
  outputs: Sym[];
}

/** The walk order of a model: every non-input layer in topological order (tfjs keeps `model.layers` sorted). */
export function stepsOf(model: tfjs.LayersModel): Step[] {
  const steps: Step[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const node = layer.inboundNodes[0];
    if (!node) throw new DesignError('invalid-graph', `layer ${layer.name} is not connected in the model`);
    steps.push({ layer, inputs: node.inputTensors, outputs: node.outputTensors });
  }
  return steps;
}

/** The model's `output`-th output (0 = the first), or a `DesignError` naming how many there are. */
export function outputOf(model: tfjs.LayersModel, output = 0): Sym {
  const n = model.outputs.length;
  if (!Number.isInteger(output) || output < 0 || output >= n) throw new DesignError('invalid-params', `output ${output} is out of range: the model has ${n} output${n === 1 ? '' : 's'} (0–${n - 1})`, 'output');
  return model.outputs[output];
}

/** The layer that produces the model's `output`-th output (default the first). */
export function outputLayerOf(model: tfjs.LayersModel, output = 0): Layer {
  return outputOf(model, output).sourceLayer as Layer;
}

/**
 * The pre-softmax class scores Grad-CAM differentiates (Selvaraju et al. use y^c before the softmax): a final
 * Dense with softmax is applied without its activation, a final softmax Activation is skipped. Anything else
 * (sigmoid heads, regressions) is differentiated as it is.
 */
function callLayer(tf: Tf, layer: Layer, ins: tfjs.Tensor[], logits: boolean): tfjs.Tensor {
  if (logits) {
    const cls = layer.getClassName();
    const activation = (layer.getConfig() as { activation?: unknown }).activation;
    if (cls === 'Dense' && activation === 'softmax') {
      const [kernel, bias] = layer.getWeights();
      const z = tf.matMul(ins[0] as tfjs.Tensor2D, kernel as tfjs.Tensor2D);
      return bias ? tf.add(z, bias) : z;
    }
    if (cls === 'Activation' && activation === 'softmax') return ins[0];
  }
  const out = layer.apply(ins.length === 1 ? ins[0] : ins, { training: false });
  if (Array.isArray(out)) throw new DesignError('invalid-graph', `layer ${layer.name} has several outputs; inspection supports one output per layer`);
  return out as tfjs.Tensor;
}

/** Every intermediate tensor of one eager pass, by layer name (each layer's first output). */
export interface Trace {
  /** Tensors by symbolic tensor id (owned by the trace: call `dispose`). */
  values: Map<number, tfjs.Tensor>;
  /** The layer's output for `name`. */
  output(name: string): tfjs.Tensor;
  /** The chosen model output (probabilities for a softmax head). */
  prediction: tfjs.Tensor;
  /** Frees every tensor the trace holds. */
  dispose(): void;
}

/**
 * Runs `model` on `x` ([n, h, w, c]) in inference mode and keeps every layer's output. A model with several
 * inputs gets `x` on each (as training feeds them); `prediction` is its `output`-th output (default the first).
 */
export function traceModel(tf: Tf, model: tfjs.LayersModel, x: tfjs.Tensor, output = 0): Trace {
  const chosen = outputOf(model, output);
  const values = new Map<number, tfjs.Tensor>();
  for (const input of model.inputs) values.set(input.id, tf.keep(x.clone()));
  const byName = new Map<string, number>();
  for (const step of stepsOf(model)) {
    const out = tf.tidy(() => callLayer(tf, step.layer, step.inputs.map((s) => valueOf(values, s)), false));
    values.set(step.outputs[0].id, tf.keep(out));
    byName.set(step.layer.name, step.outputs[0].id);
  }
  const prediction = valueOf(values, chosen);
  return {
    values,
    prediction,
    output(name) {
      const id = byName.get(name);
      if (id === undefined) throw new DesignError('invalid-graph', `no layer named ${name} in the model`);
      return values.get(id)!;
    },
    dispose() {
      for (const t of values.values()) t.dispose();
      values.clear();
    },
  };
}

function valueOf(values: Map<number, tfjs.Tensor>, s: Sym): tfjs.Tensor {
  const v = values.get(s.id);
  if (!v) throw new DesignError('invalid-graph', `tensor ${s.name} is not computed yet (the model's layers are not in topological order)`);
  return v;
}

/**
 * The class scores of output `output` (pre-softmax, see `callLayer`) as a function of layer `name`'s output:
 * only the layers that depend on it are re-run, every other tensor is read from `trace`. Used under `tf.grad`
 * and by the finite-difference check.
 */
export function scoresFrom(tf: Tf, model: tfjs.LayersModel, trace: Trace, name: string, output = 0): (a: tfjs.Tensor) => tfjs.Tensor {
  const steps = stepsOf(model);
  const start = steps.findIndex((s) => s.layer.name === name);
  if (start < 0) throw new DesignError('invalid-graph', `no layer named ${name} in the model`);
  const outLayer = outputLayerOf(model, output);
  const cutId = steps[start].outputs[0].id;
  // The layers downstream of the cut, found once: a step is re-run when one of its inputs depends on the cut.
  const dependent = new Set<number>([cutId]);
  const rerun: Step[] = [];
  for (const step of steps.slice(start + 1)) {
    if (step.inputs.some((s) => dependent.has(s.id))) {
      rerun.push(step);
      dependent.add(step.outputs[0].id);
    }
  }
  const finalId = outputOf(model, output).id;
  if (!dependent.has(finalId)) throw new DesignError('invalid-graph', model.outputs.length > 1 ? `output ${output} (${outLayer.name}) does not depend on ${name}` : `the model's output does not depend on ${name}`, 'node');
  return (a) => {
    const local = new Map<number, tfjs.Tensor>([[cutId, a]]);
    const read = (s: Sym) => local.get(s.id) ?? valueOf(trace.values, s);
    for (const step of rerun) local.set(step.outputs[0].id, callLayer(tf, step.layer, step.inputs.map(read), step.layer === outLayer));
    return local.get(finalId)!;
  };
}
