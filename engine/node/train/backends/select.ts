/**
 * Chooses the training backend: the fastest that loads, in the order
 * PyTorch with CUDA (a Python child process) → tfjs-node-gpu (CUDA) → tfjs-node (libtensorflow) → WebGPU on a hardware adapter → the wasm training path →
 * WebGPU on a software adapter → tfjs `cpu`. Each candidate that is skipped is reported with why; `force`
 * selects one and fails with a clear message when it cannot load. The native packages and the WebGPU and
 * wasm modules are imported dynamically, so their absence only removes a candidate.
 */
import type { Tf } from '../../../compile/compile';
import type { BackendChoice, BackendName } from '../../../../contract/training-protocol';

/**
 * The outcome of trying one candidate. `software`: a CPU-emulated GPU adapter; `cpuOnly`: a backend that `auto`
 * takes only when it runs on a GPU (torch without CUDA).
 */
export type ProbeResult = { ok: true; detail: string; software?: boolean; cpuOnly?: boolean } | { ok: false; reason: string };

/** Tries to make one backend active on `tf`. */
export type Probe = (tf: Tf) => Promise<ProbeResult>;

/** The selected backend and why the others were not used. */
export interface BackendSelection {
  name: BackendName;
  reason: string;
  skipped: Array<{ name: BackendName; reason: string }>;
}

/** Why a backend cannot be used, thrown when the user forced it. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(`backend '${backend}' cannot be used: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

function missing(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function describe(err: unknown): string {
  return ((err as Error)?.message ?? String(err)).split('\n')[0];
}

/** Imports a tfjs-node flavour (it registers the `tensorflow` backend) and activates it. */
function nativeProbe(pkg: string): Probe {
  return async (tf) => {
    try {
      await import(/* @vite-ignore */ pkg);
    } catch (err) {
      return { ok: false, reason: missing(err) ? `not installed (optional: npm install ${pkg})` : `failed to load: ${describe(err)}` };
    }
    if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: `${pkg} loaded but its backend did not initialize` };
    return { ok: true, detail: `${pkg} (libtensorflow)` };
  };
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

/**
 * PyTorch in a Python child process (torch/python.ts: interpreter auto-detected, probed once per process). The
 * tfjs side of a torch run only builds the model and writes its files, so tfjs gets its `cpu` backend.
 */
const torchProbe: Probe = async (tf) => {
  const { torchInfo, describeTorch } = await import('../torch/python');
  const info = await torchInfo();
  if (!info.ok) return { ok: false, reason: info.reason };
  if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'the tfjs cpu backend (used to write the model files) did not initialize' };
  return { ok: true, detail: describeTorch(info), cpuOnly: info.device !== 'cuda' };
};

/** The default probes (tests pass their own). */
export const DEFAULT_PROBES: Record<BackendName, Probe> = {
  torch: torchProbe,
  'tensorflow-gpu': nativeProbe('@tensorflow/tfjs-node-gpu'),
  tensorflow: nativeProbe('@tensorflow/tfjs-node'),
  webgpu: async (tf) => {
    let mod: { initWebGpu: (tf: Tf) => Promise<{ ok: boolean; reason?: string; adapter?: string }> };
    try {
      mod = await import('./webgpu');
    } catch (err) {
      return { ok: false, reason: missing(err) ? 'the WebGPU module is not part of this build' : `failed to load: ${describe(err)}` };
    }
    try {
      const r = await mod.initWebGpu(tf);
      if (!r.ok) return { ok: false, reason: r.reason ?? 'no WebGPU adapter' };
      if (tf.getBackend() !== 'webgpu' && !(await tf.setBackend('webgpu'))) return { ok: false, reason: 'the webgpu backend did not initialize' };
      const adapter = r.adapter ?? 'unknown adapter';
      return { ok: true, detail: `WebGPU on ${adapter}`, software: SOFTWARE_ADAPTER.test(adapter) };
    } catch (err) {
      return { ok: false, reason: describe(err) };
    }
  },
  wasm: async (tf) => {
    let mod: { registerWasmTraining: (tf: Tf) => Promise<void>; wasmSimdStatus: () => string };
    try {
      mod = await import('./wasm/index');
    } catch (err) {
      return { ok: false, reason: missing(err) ? 'the wasm training module is not part of this build' : `failed to load: ${describe(err)}` };
    }
    try {
      await mod.registerWasmTraining(tf);
      return { ok: true, detail: `tfjs-backend-wasm (XNNPACK) with LayerLoom training kernels; SIMD kernels: ${mod.wasmSimdStatus()}` };
    } catch (err) {
      return { ok: false, reason: describe(err) };
    }
  },
  cpu: async (tf) => ((await tf.setBackend('cpu')) ? { ok: true, detail: 'tfjs pure-JS cpu backend' } : { ok: false, reason: 'cpu backend did not initialize' }),
};

/**
 * Selects and activates a backend on `tf`. With `choice` other than 'auto' only that backend is tried
 * (a `BackendUnavailableError` says why it failed).
 */
export async function selectBackend(tf: Tf, choice: BackendChoice = 'auto', probes: Record<BackendName, Probe> = DEFAULT_PROBES): Promise<BackendSelection> {
  if (choice !== 'auto') {
    const r = await probes[choice](tf);
    if (!r.ok) throw new BackendUnavailableError(choice, r.reason);
    return { name: choice, reason: `forced with --backend ${choice}: ${r.detail}`, skipped: [] };
  }
  const skipped: BackendSelection['skipped'] = [];
  let softwareGpu: string | null = null;
  for (const name of ['torch', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm'] as const) {
    const r = await probes[name](tf);
    if (!r.ok) {
      skipped.push({ name, reason: r.reason });
      continue;
    }
    if (r.cpuOnly) {
      // PyTorch without CUDA: `auto` stays on the npm-only path (docs/backends.md says why); --backend torch uses it.
      skipped.push({ name, reason: `${r.detail}: without CUDA not chosen automatically (use --backend torch)` });
      continue;
    }
    if (name === 'webgpu' && r.software) {
      // A CPU-emulated GPU is slower than the wasm path: keep it only as the fallback before `cpu`.
      softwareGpu = r.detail;
      skipped.push({ name, reason: `${r.detail} is a software adapter, slower than the wasm path` });
      continue;
    }
    return { name, reason: `fastest available: ${r.detail}`, skipped };
  }
  if (softwareGpu && (await tf.setBackend('webgpu'))) {
    const rest = skipped.filter((s) => s.name !== 'webgpu');
    return { name: 'webgpu', reason: `${softwareGpu}, a software adapter (used because the wasm path did not load)`, skipped: rest };
  }
  const cpu = await probes.cpu(tf);
  if (!cpu.ok) throw new BackendUnavailableError('cpu', cpu.reason);
  return { name: 'cpu', reason: `fallback: ${cpu.detail} (slow)`, skipped };
}
