/**
 * Test support for the ONNX tests (Node only, not shipped): onnxruntime-node, ONNX's own checker through
 * Debian's python3-onnx, the Debian backend test data, and tolerant comparisons. Each probe returns why it
 * cannot run instead of throwing, so a test can print the reason and skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as OrtTypes from 'onnxruntime-node';

/** Debian's Python, where python3-onnx and python3-torch live (not a pyenv one). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Where Debian's libonnx-testdata puts ONNX's backend node tests. */
export const ONNX_NODE_TESTS = '/usr/share/libonnx-testdata/data/node';

/** onnxruntime-node, or the reason it cannot load. */
export function loadOrt(): { ort?: typeof OrtTypes; skip?: string } {
  try {
    const require = createRequire(import.meta.url);
    return { ort: require('onnxruntime-node') as typeof OrtTypes };
  } catch (err) {
    return { skip: `onnxruntime-node does not load (${(err as Error).message.split('\n')[0]}); run npm ci` };
  }
}

/** Why a Python module cannot be imported by /usr/bin/python3, or undefined when it can. */
export function pythonModuleMissing(module: string, apt: string): string | undefined {
  if (!existsSync(SYSTEM_PYTHON)) return `${SYSTEM_PYTHON} is missing (install Debian's ${apt}: bash scripts/setup.sh)`;
  const r = spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 ? undefined : `${SYSTEM_PYTHON} cannot import ${module} (install Debian's ${apt}: bash scripts/setup.sh)`;
}

const CHECK_PY = `
import sys, onnx
bad = []
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
    except Exception as e:
        bad.append(path + ": " + str(e).splitlines()[0])
print("CHECKED %d" % (len(sys.argv) - 1))
for b in bad:
    print("INVALID " + b)
`;

/** Runs `onnx.checker.check_model(full_check=True)` on each file; returns the count checked and the failures. */
export function onnxCheck(files: string[]): { checked: number; invalid: string[]; output: string } {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', CHECK_PY, ...files], { encoding: 'utf8', timeout: 300_000 });
  const lines = r.stdout.split('\n');
  const checked = Number(lines.find((l) => l.startsWith('CHECKED '))?.slice(8) ?? -1);
  return { checked, invalid: lines.filter((l) => l.startsWith('INVALID ')).map((l) => l.slice(8)), output: `${r.stdout}${r.stderr}` };
}

/** Largest |a - b| over two arrays of equal length (Infinity when lengths differ or a value is NaN on one side only). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    if (x === y) continue;
    m = Math.max(m, Math.abs(x - y));
  }
  return m;
}

/** Deterministic pseudo-random values in [-1, 1) (test inputs). */
export function randomInput(n: number, seed = 7): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}
