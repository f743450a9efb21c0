/**
 * Finding a Python interpreter with PyTorch for the `torch` training backend, and asking it once what it can do.
 * The interpreter is `LAYERLOOM_PYTHON` when set, else `/usr/bin/python3` (Debian's `python3-torch` lives there,
 * while a pyenv or venv `python3` earlier on PATH usually has no torch), else `python3` on PATH. The probe imports
 * torch with a short timeout and reports its version and device (cuda / mps / cpu) or why it cannot be used —
 * a missing or broken Python is a line in the backend report, never a crash.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** What the probe found: a usable torch (with its device) or the reason it is unusable. */
export type TorchProbe =
  | {
      ok: true;
      python: string;
      torch: string;
      /** The device training would use: 'cuda' where CUDA is available, then Apple's 'mps', else 'cpu'. */
      device: 'cuda' | 'mps' | 'cpu';
      /** Visible CUDA devices (0 without CUDA). */
      cudaDevices: number;
      /** Name of CUDA device 0, when there is one. */
      gpuName?: string;
      /** Whether `torch.distributed` (DistributedDataParallel under torchrun) is built in. */
      distributed: boolean;
      threads: number;
    }
  | { ok: false; python: string | null; reason: string };

/** The probe script: prints one JSON line; never raises (an import failure is reported as data). */
export const PROBE_PY = `
import json, sys
try:
    import torch
except Exception as e:
    print(json.dumps({"ok": False, "reason": "import torch failed: " + (str(e).splitlines() or [type(e).__name__])[0]}))
    sys.exit(0)
cuda = torch.cuda.is_available()
mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
print(json.dumps({"ok": True, "torch": torch.__version__, "device": "cuda" if cuda else "mps" if mps else "cpu",
    "cudaDevices": torch.cuda.device_count() if cuda else 0, "gpuName": torch.cuda.get_device_name(0) if cuda else None,
    "distributed": torch.distributed.is_available(), "threads": torch.get_num_threads()}))
`;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` on PATH (the first executable one; on Windows with `.exe`), or null. */
function onPath(name: string, env: NodeJS.ProcessEnv, exists: (f: string) => boolean): string | null {
  const file = process.platform === 'win32' ? `${name}.exe` : name;
  for (const dir of (env.PATH ?? env.Path ?? '').split(path.delimiter)) {
    if (dir && exists(path.join(dir, file))) return path.join(dir, file);
  }
  return null;
}

/**
 * The interpreters to try, in order: `LAYERLOOM_PYTHON` alone when set (the user's explicit choice is not second-
 * guessed), else `/usr/bin/python3`, then `python3` and `python` on PATH (deduplicated).
 */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env, exists: (f: string) => boolean = executable): string[] {
  if (env.LAYERLOOM_PYTHON) return [env.LAYERLOOM_PYTHON];
  const out: string[] = [];
  if (exists('/usr/bin/python3')) out.push('/usr/bin/python3');
  // `python` last: Windows and conda installs often have no `python3`.
  for (const name of ['python3', 'python']) {
    const p = onPath(name, env, exists);
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

/** Runs `python -c code` with a timeout; resolves with stdout or the reason it failed. */
function runPython(python: string, code: string, timeoutMs: number): Promise<{ ok: true; stdout: string } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let done = false;
    const finish = (r: { ok: true; stdout: string } | { ok: false; reason: string }) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        resolve(r);
      }
    };
    const child = spawn(python, ['-c', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ ok: false, reason: `${python} did not answer within ${timeoutMs / 1000} s` });
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => finish({ ok: false, reason: `cannot run ${python}: ${err.message}` }));
    child.on('close', (code) => {
      if (code === 0) finish({ ok: true, stdout });
      else finish({ ok: false, reason: `${python} exited with ${code}: ${stderr.trim().split('\n').pop() ?? ''}` });
    });
  });
}

/** Probes one interpreter. */
export async function probePython(python: string, timeoutMs = 20_000): Promise<TorchProbe> {
  const r = await runPython(python, PROBE_PY, timeoutMs);
  if (!r.ok) return { ok: false, python, reason: r.reason };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    if (!o.ok) return { ok: false, python, reason: String(o.reason) };
    return {
      ok: true,
      python,
      torch: String(o.torch),
      device: o.device as 'cuda' | 'mps' | 'cpu',
      cudaDevices: Number(o.cudaDevices),
      ...(o.gpuName ? { gpuName: String(o.gpuName) } : {}),
      distributed: Boolean(o.distributed),
      threads: Number(o.threads),
    };
  } catch {
    return { ok: false, python, reason: `${python} printed no probe result (${line.slice(0, 80) || 'no output'})` };
  }
}

/**
 * Finds the first candidate interpreter with a working torch. When none works, the reason names every
 * interpreter tried and why it failed.
 */
export async function findTorch(env: NodeJS.ProcessEnv = process.env, timeoutMs = 20_000): Promise<TorchProbe> {
  const candidates = pythonCandidates(env);
  if (candidates.length === 0) return { ok: false, python: null, reason: 'no Python interpreter found (install python3 and PyTorch, or set LAYERLOOM_PYTHON)' };
  const failures: string[] = [];
  for (const python of candidates) {
    const r = await probePython(python, timeoutMs);
    if (r.ok) return r;
    failures.push(r.reason.startsWith(python) ? r.reason : `${python}: ${r.reason}`);
  }
  return { ok: false, python: candidates[0], reason: `${failures.join('; ')} (install PyTorch, e.g. Debian's python3-torch, or set LAYERLOOM_PYTHON)` };
}

let cached: Promise<TorchProbe> | null = null;

/** `findTorch` once per process (the probe starts Python and imports torch: about a second or two). */
export function torchInfo(): Promise<TorchProbe> {
  cached ??= findTorch();
  return cached;
}

/** One line for the backend report: `PyTorch 1.13.0 on cpu (/usr/bin/python3, 2 threads)`. */
export function describeTorch(p: Extract<TorchProbe, { ok: true }>): string {
  const where = p.device === 'cuda' ? `CUDA (${p.cudaDevices} GPU${p.cudaDevices === 1 ? '' : 's'}${p.gpuName ? `, ${p.gpuName}` : ''})` : p.device === 'mps' ? 'Apple MPS' : 'CPU';
  return `PyTorch ${p.torch} on ${where} (${p.python})`;
}
