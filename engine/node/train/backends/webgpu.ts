/**
 * WebGPU training under Node: Dawn's Node bindings (the `webgpu` npm package,
 * prebuilt `dawn.node`) supply `navigator.gpu`, and
 * `@tensorflow/tfjs-backend-webgpu` runs on it. Works on any GPU with a
 * Vulkan driver (Linux), D3D12 (Windows) or Metal (macOS); no CUDA needed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { useWebGpuKernels } from './webgpu-kernels/conv-grads';

/** Result of `initWebGpu`. `software` marks CPU emulations (SwiftShader, llvmpipe/lavapipe, fallback adapters). */
export interface WebGpuStatus {
  ok: boolean;
  reason?: string;
  adapter?: string;
  software?: boolean;
}

/** The part of the tfjs namespace this module uses. */
export interface TfLike {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
}

/** Options for `initWebGpu`. */
export interface WebGpuOptions {
  /** Make `webgpu` the active backend when it loads (default true). */
  activate?: boolean;
  /**
   * When no Vulkan ICD is configured, try Chromium's SwiftShader (a CPU
   * emulation: useful for tests, slow for training). Default false.
   */
  swiftShaderFallback?: boolean;
  /** Dawn toggles passed to `create()`, e.g. `['adapter=NVIDIA']`. */
  dawnOptions?: string[];
}

/** Where Debian's chromium ships the SwiftShader Vulkan ICD. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

let gpuState: Promise<WebGpuStatus> | null = null;

/**
 * On Linux without an explicit Vulkan ICD, a GPU shows up as a device node (/dev/dri/renderD* for Mesa's
 * Intel/AMD drivers, /dev/nvidia* for NVIDIA's). Without one, Dawn could only find Mesa's lavapipe, which it
 * rejects: say so without loading Dawn (which would print native warnings). Returns null when a probe is worthwhile.
 */
function linuxVulkanDriverProblem(): string | null {
  if (process.platform !== 'linux' || process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES) return null;
  const list = (dir: string, pattern: RegExp) => {
    try {
      return readdirSync(dir).filter((f) => pattern.test(f));
    } catch {
      return [];
    }
  };
  if (list('/dev/dri', /^renderD\d+$/).length || list('/dev', /^nvidia\d+$/).length) return null;
  return 'no WebGPU adapter: this machine has no GPU device (/dev/dri/renderD*, /dev/nvidia*); set VK_ICD_FILENAMES to use a software Vulkan driver';
}

async function createNavigatorGpu(opts: WebGpuOptions): Promise<WebGpuStatus & { gpu?: GPU }> {
  if (opts.swiftShaderFallback && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  const noDriver = linuxVulkanDriverProblem();
  if (noDriver) return { ok: false, reason: noDriver };
  let mod: { create(o: string[]): GPU; globals: object };
  try {
    mod = (await import('webgpu')) as unknown as typeof mod;
  } catch (e) {
    return { ok: false, reason: `the optional 'webgpu' package (Dawn) is not installed or has no build for ${process.platform}-${process.arch}: ${(e as Error).message.split('\n')[0]}` };
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create(opts.dawnOptions ?? []);
  // Node >= 21 defines a read-only navigator; redefine it with gpu attached.
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: Object.assign(Object.create(nav), { gpu }), configurable: true, writable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    const icd = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
    return {
      ok: false,
      reason: `Dawn found no WebGPU adapter (${icd ? `Vulkan ICD ${icd}` : 'no Vulkan ICD configured'}; Dawn rejects Mesa's lavapipe, and NVIDIA's ICD needs the Vulkan loader and glvnd's libGLdispatch)`,
    };
  }
  const info = adapter.info;
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ').trim() || 'unknown adapter';
  const fallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return { ok: true, adapter: name, software: fallback || SOFTWARE.test(name), gpu };
}

/**
 * Set up `navigator.gpu` from Dawn and register tfjs's `webgpu` backend.
 * Never throws for a missing package, driver or adapter: returns `ok: false`
 * with the reason. Idempotent (the first call's options win).
 */
export async function initWebGpu(tf: TfLike, opts: WebGpuOptions = {}): Promise<WebGpuStatus> {
  gpuState ??= (async () => {
    const st = await createNavigatorGpu(opts);
    if (!st.ok) return st;
    try {
      await import('@tensorflow/tfjs-backend-webgpu');
    } catch (e) {
      return { ok: false, reason: `@tensorflow/tfjs-backend-webgpu failed to load: ${(e as Error).message}` };
    }
    // LayerLoom's WGSL convolution gradients (webgpu-kernels/); LAYERLOOM_WEBGPU_KERNELS=tfjs keeps tfjs's own.
    useWebGpuKernels(process.env.LAYERLOOM_WEBGPU_KERNELS !== 'tfjs');
    return { ok: true, adapter: st.adapter, software: st.software };
  })();
  const st = await gpuState;
  if (!st.ok || opts.activate === false) return st;
  try {
    if (!(await tf.setBackend('webgpu'))) return { ...st, ok: false, reason: 'tfjs webgpu backend failed to initialize' };
    await tf.ready();
  } catch (e) {
    return { ...st, ok: false, reason: `tfjs webgpu backend failed to initialize: ${(e as Error).message}` };
  }
  return st;
}
