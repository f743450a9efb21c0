/**
 * Interpreter discovery, the torch probe's failure reports, the trainer's command line (one process, or torchrun
 * with DistributedDataParallel for `--gpus N`, which cannot run on this GPU-less machine: its command line is what
 * is checked here), and trainer.py's learning-rate schedule and augmentation against the TypeScript they mirror.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { learningRateAt, type ScheduleConfig } from '../optim';
import { buildTorchLaunch, gpusProblem } from './launch';
import { describeTorch, findTorch, probePython, pythonCandidates, type TorchProbe } from './python';

type Ok = Extract<TorchProbe, { ok: true }>;
const cpu: Ok = { ok: true, python: '/usr/bin/python3', torch: '1.13.0', device: 'cpu', cudaDevices: 0, distributed: true, threads: 2 };
const cuda: Ok = { ...cpu, torch: '2.5.1', device: 'cuda', cudaDevices: 4, gpuName: 'NVIDIA H100' };

describe('Python interpreter discovery', () => {
  it('prefers LAYERLOOM_PYTHON alone, else /usr/bin/python3 before python3 on PATH', () => {
    expect(pythonCandidates({ LAYERLOOM_PYTHON: '/opt/py/bin/python', PATH: '/usr/bin' })).toEqual(['/opt/py/bin/python']);
    const dir = '/opt/somewhere/bin';
    const inDir = (f: string) => f === path.join(dir, 'python3');
    expect(pythonCandidates({ PATH: dir }, (f) => f === '/usr/bin/python3' || inDir(f))).toEqual(['/usr/bin/python3', path.join(dir, 'python3')]);
    expect(pythonCandidates({ PATH: dir }, inDir)).toEqual([path.join(dir, 'python3')]);
    expect(pythonCandidates({ PATH: `/nowhere${path.delimiter}${dir}` }, (f) => f === path.join(dir, 'python'))).toEqual([path.join(dir, 'python')]);
    expect(pythonCandidates({ PATH: '' }, () => false)).toEqual([]);
  });

  it('reports a missing interpreter, a Python without torch and a hanging one as reasons, never throws', async () => {
    const missing = await findTorch({ LAYERLOOM_PYTHON: '/nonexistent/python3' });
    expect(missing).toMatchObject({ ok: false, reason: expect.stringMatching(/cannot run \/nonexistent\/python3.*set LAYERLOOM_PYTHON/) });
    const dir = mkdtempSync(path.join(tmpdir(), 'layerloom-py-'));
    const fake = (name: string, body: string) => {
      const f = path.join(dir, name);
      writeFileSync(f, `#!/bin/sh\n${body}\n`);
      chmodSync(f, 0o755);
      return f;
    };
    // A Python whose `import torch` fails: the probe script's own report.
    const noTorch = fake('python-no-torch', `exec /usr/bin/env python3 -c "import json; print(json.dumps({'ok': False, 'reason': 'import torch failed: No module named torch'}))"`);
    expect(await probePython(noTorch)).toMatchObject({ ok: false, reason: 'import torch failed: No module named torch' });
    expect(await probePython(fake('python-hangs', 'sleep 30'), 300)).toMatchObject({ ok: false, reason: expect.stringMatching(/did not answer within 0.3 s/) });
    expect(await probePython(fake('python-crashes', 'echo boom >&2; exit 3'))).toMatchObject({ ok: false, reason: expect.stringMatching(/exited with 3: boom/) });
  });

  it('describes the device for the backend report', () => {
    expect(describeTorch(cpu)).toBe('PyTorch 1.13.0 on CPU (/usr/bin/python3)');
    expect(describeTorch(cuda)).toBe('PyTorch 2.5.1 on CUDA (4 GPUs, NVIDIA H100) (/usr/bin/python3)');
  });
});

describe('trainer command line', () => {
  const base = { python: '/usr/bin/python3', script: '/app/trainer.py', specFile: '/tmp/w/spec.json' };

  it('runs one process without --gpus', () => {
    const l = buildTorchLaunch({ ...base, probe: cpu, threads: 2 });
    expect(l).toEqual({ command: '/usr/bin/python3', args: ['/app/trainer.py', '--spec', '/tmp/w/spec.json'], env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '2' }, world: 1 });
  });

  it('runs torchrun through the probed interpreter for --gpus N on CUDA', () => {
    const l = buildTorchLaunch({ ...base, probe: cuda, gpus: 4 });
    expect(l.command).toBe('/usr/bin/python3');
    expect(l.args).toEqual(['-m', 'torch.distributed.run', '--standalone', '--nnodes', '1', '--nproc_per_node', '4', '--redirects', '1', '--tee', '1', '--log_dir', 'torchrun-logs', '/app/trainer.py', '--spec', '/tmp/w/spec.json']);
    expect(l.world).toBe(4);
  });

  it.each([
    [5, cuda, /more GPUs than the 4 CUDA device/],
    [2, cpu, /needs CUDA GPUs; PyTorch 1.13.0 sees none \(device cpu\)/],
    [2, { ...cuda, distributed: false }, /built without/],
    [0, cuda, /positive integer/],
  ] as const)('refuses --gpus %d where it cannot run', (gpus, probe, why) => {
    expect(gpusProblem(gpus, probe)).toMatch(why);
    expect(() => buildTorchLaunch({ ...base, probe, gpus })).toThrow(why);
  });

  it('allows CPU processes (gloo) only when asked, for tests', () => {
    expect(gpusProblem(2, cpu, true)).toBeNull();
    expect(gpusProblem(1, cpu)).toBeNull();
  });
});

const torch = await findTorch();
describe.skipIf(!torch.ok)('trainer.py: schedule and augmentation', () => {
  it('matches optim.ts learningRateAt on a grid of schedules and positions', () => {
    const schedules: ScheduleConfig[] = [
      { type: 'constant', warmupEpochs: 0, stepEpochs: 1, gamma: 0.5 },
      { type: 'step', warmupEpochs: 1, stepEpochs: 2, gamma: 0.3 },
      { type: 'cosine', warmupEpochs: 0.5, stepEpochs: 1, gamma: 0.1 },
      { type: 'cosine', warmupEpochs: 0, stepEpochs: 1, gamma: 0.1 },
    ];
    const ts = [0, 0.01, 0.25, 0.5, 0.99, 1, 2.5, 3.75, 7, 9.99, 12];
    const want = schedules.map((s) => ts.map((t) => learningRateAt(0.01, s, t, 10)));
    const py = `import json, sys; sys.path.insert(0, sys.argv[1]); from trainer import lr_at
ss = json.loads(sys.argv[2]); ts = json.loads(sys.argv[3])
print(json.dumps([[lr_at(0.01, s, t, 10) for t in ts] for s in ss]))`;
    const r = spawnSync(torch.ok ? torch.python : 'python3', ['-c', py, import.meta.dirname, JSON.stringify(schedules), JSON.stringify(ts)], { encoding: 'utf8', timeout: 60_000 });
    const got = JSON.parse(r.stdout) as number[][];
    got.forEach((row, i) => row.forEach((v, j) => expect(v, `${schedules[i].type} t=${ts[j]}`).toBeCloseTo(want[i][j], 12)));
  });

  it('augments as makeBatch does: each example flipped or not and shifted by at most ±shift with zero fill', () => {
    const py = `import sys, json, torch; sys.path.insert(0, sys.argv[1]); from trainer import augment
import torch.nn.functional as F
torch.manual_seed(0)
x = torch.rand(32, 3, 5, 6)
out = augment(x, {"flip": True, "shift": 2}, torch.Generator().manual_seed(3))
def variants(img):
    for flip in (False, True):
        for dy in range(-2, 3):
            for dx in range(-2, 3):
                src = img.flip(2) if flip else img
                p = F.pad(src, (2, 2, 2, 2))
                yield flip, dy, dx, p[:, 2 - dy:2 - dy + 5, 2 - dx:2 - dx + 6]
found = [next(((f, dy, dx) for f, dy, dx, v in variants(x[i]) if torch.equal(v, out[i])), None) for i in range(32)]
print(json.dumps({"found": found, "shape": list(out.shape)}))`;
    const r = spawnSync(torch.ok ? torch.python : 'python3', ['-c', py, import.meta.dirname], { encoding: 'utf8', timeout: 60_000 });
    const o = JSON.parse(r.stdout || 'null') as { found: Array<[boolean, number, number] | null>; shape: number[] } | null;
    expect(o, r.stderr).not.toBeNull();
    expect(o!.shape).toEqual([32, 3, 5, 6]);
    expect(o!.found.every((f) => f !== null)).toBe(true); // each output is one of the allowed transforms of its input
    expect(new Set(o!.found.map((f) => f![0])).size).toBe(2); // some flipped, some not
    expect(new Set(o!.found.map((f) => `${f![1]},${f![2]}`)).size).toBeGreaterThan(5); // shifts vary
  });
});
