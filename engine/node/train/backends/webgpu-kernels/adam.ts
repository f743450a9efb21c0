/**
 * Adam with a fused update on tfjs's `webgpu` backend. tfjs's `AdamOptimizer.applyGradients` runs about a
 * dozen elementwise programs per weight (two moment updates, bias corrections, sqrt, divide, add, assigns), each
 * allocating a tensor. Here one WGSL dispatch per weight reads the gradient and updates the weight and both
 * moments in place, in the same compute pass as the rest of the step; the bias-correction factors stay on the
 * GPU (read from the optimizer's accBeta variables), so nothing is read back.
 *
 * It keeps tfjs's arithmetic (w ← w + (−lr)·m̂ / (√v̂ + ε)) and its state (the same moment and accBeta
 * variables, names and order), so checkpoints saved by either load into the other, and on any other backend
 * it is tfjs's Adam.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';

/** What `Optimizer.applyGradients` receives (tfjs-core's NamedVariableMap | NamedTensor[], not exported by name). */
type VariableGradients = Parameters<tfc.AdamOptimizer['applyGradients']>[0];

/** tfjs-backend-webgpu internals the fused update drives (private in its typings, stable in 4.22). */
interface WebGpuInternals {
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  commandQueueOwnedIds: WeakSet<object>;
  dispatchCountInPass: number;
  tensorMap: { get(dataId: object): { resource: GPUBuffer | null } };
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  refCount(dataId: object): number;
  makeUniforms(u: Array<{ type: string; data: number[] }>): { offset: number; size: number; buffer: GPUBuffer };
}

/** Adam's private state in tfjs-core 4.22. */
interface AdamState {
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: Variable }>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: Variable }>;
}

const WORKGROUP = 256;
const MAX_X = 32768;

const SHADER = `
struct Params { negLr : f32, beta1 : f32, beta2 : f32, eps : f32, n : u32 };
@group(0) @binding(0) var<storage, read_write> w : array<f32>;
@group(0) @binding(1) var<storage, read_write> m : array<f32>;
@group(0) @binding(2) var<storage, read_write> v : array<f32>;
@group(0) @binding(3) var<storage, read> g : array<f32>;
@group(0) @binding(4) var<storage, read> accBeta1 : array<f32>;
@group(0) @binding(5) var<storage, read> accBeta2 : array<f32>;
@group(0) @binding(6) var<uniform> p : Params;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>) {
  let i = gid.y * nwg.x * ${WORKGROUP}u + gid.x;
  if (i >= p.n) { return; }
  let gi = g[i];
  let mi = m[i] * p.beta1 + gi * (1.0 - p.beta1);
  let vi = v[i] * p.beta2 + (gi * gi) * (1.0 - p.beta2);
  m[i] = mi;
  v[i] = vi;
  let mHat = mi / (1.0 - accBeta1[0]);
  let vHat = vi / (1.0 - accBeta2[0]);
  w[i] = mHat / (sqrt(vHat) + p.eps) * p.negLr + w[i];
}`;

const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();

function pipelineFor(device: GPUDevice): GPUComputePipeline {
  let p = pipelines.get(device);
  if (!p) {
    p = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: SHADER, label: 'layerloomFusedAdam' }), entryPoint: 'main' }, label: 'layerloomFusedAdam' });
    pipelines.set(device, p);
  }
  return p;
}

/** Gives `v` a buffer of its own (a variable can share its data with the tensor it was made from), so it can be written in place. */
function ownBuffer(backend: WebGpuInternals, v: Variable): void {
  if (backend.refCount(v.dataId) > 1) v.assign(tfc.tidy(() => tfc.mul(v, 1)));
}

function buffer(backend: WebGpuInternals, t: Tensor): GPUBuffer {
  backend.uploadToGPU(t.dataId);
  backend.commandQueueOwnedIds.add(t.dataId);
  const r = backend.tensorMap.get(t.dataId).resource;
  if (!r) throw new Error('fused Adam: a tensor has no GPU buffer');
  return r;
}

/** Hyperparameters of one fused update. */
export interface AdamHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * Records w, m, v ← Adam(w, m, v, g) in place as one dispatch on the backend's command stream (ordered after
 * the programs that produced `g`). `w`, `m`, `v` must be float32 variables of the same size as `g`.
 */
export function fusedAdamUpdate(backend: WebGpuInternals, w: Variable, m: Variable, v: Variable, g: Tensor, accBeta1: Tensor, accBeta2: Tensor, h: AdamHyper): void {
  const n = g.size;
  if (n === 0) return;
  for (const t of [w, m, v]) ownBuffer(backend, t);
  const bufs = [w, m, v, g, accBeta1, accBeta2].map((t) => buffer(backend, t));
  const uniforms = backend.makeUniforms([
    { type: 'float32', data: [-h.learningRate] }, { type: 'float32', data: [h.beta1] }, { type: 'float32', data: [h.beta2] },
    { type: 'float32', data: [h.epsilon] }, { type: 'uint32', data: [n] },
  ]);
  const pipeline = pipelineFor(backend.device);
  const bindGroup = backend.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      ...bufs.map((buffer, i) => ({ binding: i, resource: { buffer, offset: 0, size: (i < 4 ? n : 1) * 4 } })),
      { binding: 6, resource: uniforms },
    ],
  });
  backend.ensureCommandEncoderReady();
  backend.computePassEncoder ??= backend.commandEncoder!.beginComputePass({});
  const groups = Math.ceil(n / WORKGROUP);
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(Math.min(groups, MAX_X), Math.ceil(groups / MAX_X), 1);
  // tfjs's own batching rule: submit every WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE dispatches.
  if (++backend.dispatchCountInPass >= (tfc.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number)) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}

/** tfjs's Adam whose `applyGradients` is one fused dispatch per weight when the active backend is webgpu. */
export class FusedAdamOptimizer extends tfc.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (tfc.getBackend() !== 'webgpu') return super.applyGradients(variableGradients);
    const backend = tfc.backend() as unknown as WebGpuInternals;
    const st = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const h: AdamHyper = { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
    tfc.tidy(() => {
      names.forEach((name, i) => {
        const value = tfc.engine().registeredVariables[name];
        // The same lazily created state as tfjs's Adam, so getWeights/setWeights and checkpoints are unchanged.
        st.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tfc.tidy(() => tfc.zerosLike(value).variable(false)) };
        st.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tfc.tidy(() => tfc.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        if (value.dtype !== 'float32' || gradient.dtype !== 'float32') throw new Error(`fused Adam: weight '${name}' is ${value.dtype}, not float32`);
        fusedAdamUpdate(backend, value, st.accumulatedFirstMoment[i].variable, st.accumulatedSecondMoment[i].variable, gradient, st.accBeta1, st.accBeta2, h);
      });
      st.accBeta1.assign(tfc.mul(st.accBeta1, this.beta1));
      st.accBeta2.assign(tfc.mul(st.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}
