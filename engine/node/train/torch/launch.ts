/**
 * The command line that starts the Python trainer: `python trainer.py --spec FILE` for one process, or
 * `python -m torch.distributed.run --standalone --nproc_per_node N trainer.py --spec FILE` (torchrun) for
 * DistributedDataParallel over N GPUs. torchrun is started through the same interpreter (`-m`), so the torch
 * that was probed is the torch that runs, whatever `torchrun` script happens to be on PATH.
 */
import type { TorchProbe } from './python';

/** How the trainer process is started. */
export interface TorchLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Processes that train (1 without DDP). */
  world: number;
}

/** What the launch depends on. */
export interface LaunchOptions {
  python: string;
  script: string;
  specFile: string;
  /** `--gpus N`; 1 (or undefined) trains in one process. */
  gpus?: number;
  probe: Extract<TorchProbe, { ok: true }>;
  /** CPU threads for a CPU run (torch's intra-op pool); left to torch when undefined. */
  threads?: number;
  /** Tests only: allow DDP over CPU processes (gloo) on a machine without GPUs. */
  allowCpuDistributed?: boolean;
  /** Where torchrun writes each rank's log (default `torchrun-logs` in the working folder). */
  logDir?: string;
}

/** Why `--gpus N` cannot run here, or null when it can. */
export function gpusProblem(gpus: number, probe: Extract<TorchProbe, { ok: true }>, allowCpu = false): string | null {
  if (!Number.isInteger(gpus) || gpus < 1) return `--gpus must be a positive integer, got ${gpus}`;
  if (gpus === 1) return null;
  if (!probe.distributed) return `--gpus ${gpus} needs torch.distributed, which PyTorch ${probe.torch} (${probe.python}) was built without`;
  if (probe.device === 'cuda') return gpus <= probe.cudaDevices ? null : `--gpus ${gpus} asks for more GPUs than the ${probe.cudaDevices} CUDA device(s) PyTorch sees`;
  if (allowCpu) return null;
  return `--gpus ${gpus} needs CUDA GPUs; PyTorch ${probe.torch} sees none (device ${probe.device})`;
}

/** Builds the trainer's command line; throws an Error naming the problem when `--gpus` cannot be honoured. */
export function buildTorchLaunch(o: LaunchOptions): TorchLaunch {
  const gpus = o.gpus ?? 1;
  const problem = gpusProblem(gpus, o.probe, o.allowCpuDistributed);
  if (problem) throw new Error(problem);
  const env: Record<string, string> = { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
  if (o.threads) env.OMP_NUM_THREADS = String(o.threads);
  if (gpus === 1) return { command: o.python, args: [o.script, '--spec', o.specFile], env, world: 1 };
  // --standalone: a local rendezvous on a free port (no master address to configure); one process per GPU.
  // --redirects 1 --tee 1: each rank's stdout goes to a log file and to ours, lines prefixed `[default<rank>]:`
  // (`TrainerProcess` strips it). They are not optional here: with their default (0) Debian's torch 1.13 on
  // Python 3.11 fails before starting any worker (Std.from_str('0') is None: Python 3.11 no longer iterates a
  // zero-valued IntFlag member).
  return {
    command: o.python,
    args: ['-m', 'torch.distributed.run', '--standalone', '--nnodes', '1', '--nproc_per_node', String(gpus), '--redirects', '1', '--tee', '1', '--log_dir', o.logDir ?? 'torchrun-logs', o.script, '--spec', o.specFile],
    env,
    world: gpus,
  };
}
