import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { BackendName } from '../../../../contract/training-protocol';
import { BackendUnavailableError, DEFAULT_PROBES, selectBackend, type Probe, type ProbeResult } from './select';

const no = (reason: string): Probe => async () => ({ ok: false, reason });
const yes = (detail: string, software = false, cpuOnly = false): Probe => async (t) => {
  await t.setBackend('cpu');
  return { ok: true, detail, software, cpuOnly } as ProbeResult;
};
const probes = (over: Partial<Record<BackendName, Probe>>): Record<BackendName, Probe> => ({
  torch: no('no Python'),
  'tensorflow-gpu': no('not installed'),
  tensorflow: no('not installed'),
  webgpu: no('no adapter'),
  wasm: no('absent'),
  cpu: yes('cpu'),
  ...over,
});

describe('backend selection', () => {
  it.each([
    ['everything absent -> cpu', {}, 'cpu', ['torch', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm']],
    ['tfjs-node wins over wasm', { tensorflow: yes('tfjs-node'), wasm: yes('wasm') }, 'tensorflow', ['torch', 'tensorflow-gpu']],
    ['hardware WebGPU before wasm', { webgpu: yes('WebGPU on NVIDIA H100'), wasm: yes('wasm') }, 'webgpu', ['torch', 'tensorflow-gpu', 'tensorflow']],
    ['software WebGPU after wasm', { webgpu: yes('WebGPU on SwiftShader', true), wasm: yes('wasm') }, 'wasm', ['torch', 'tensorflow-gpu', 'tensorflow', 'webgpu']],
    ['torch with CUDA first', { torch: yes('PyTorch on CUDA'), 'tensorflow-gpu': yes('tfjs-node-gpu'), webgpu: yes('WebGPU on NVIDIA H100') }, 'torch', []],
    ['torch on CPU only is not auto', { torch: yes('PyTorch on CPU', false, true), wasm: yes('wasm') }, 'wasm', ['torch', 'tensorflow-gpu', 'tensorflow', 'webgpu']],
  ] as const)('%s', async (_, over, name, skipped) => {
    const sel = await selectBackend(tf, 'auto', probes(over));
    expect(sel.name).toBe(name);
    expect(sel.skipped.map((s) => s.name)).toEqual(skipped);
  });

  it('names why a forced backend cannot load', async () => {
    await expect(selectBackend(tf, 'tensorflow', probes({}))).rejects.toThrow(BackendUnavailableError);
    await expect(selectBackend(tf, 'tensorflow-gpu', DEFAULT_PROBES)).rejects.toThrow(/not installed \(optional: npm install @tensorflow\/tfjs-node-gpu\)/);
  });

  it('forces torch on CPU and says why auto skipped it', async () => {
    const forced = await selectBackend(tf, 'torch', probes({ torch: yes('PyTorch 1.13 on CPU', false, true) }));
    expect(forced.name).toBe('torch');
    expect(forced.reason).toMatch(/forced with --backend torch: PyTorch 1.13 on CPU/);
    const auto = await selectBackend(tf, 'auto', probes({ torch: yes('PyTorch 1.13 on CPU', false, true), wasm: yes('wasm') }));
    expect(auto.skipped.find((s) => s.name === 'torch')?.reason).toMatch(/without CUDA not chosen automatically/);
  });

  it('really activates the cpu backend when forced', async () => {
    const sel = await selectBackend(tf, 'cpu');
    expect(sel.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
