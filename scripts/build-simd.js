#!/usr/bin/env node
// Builds LayerLoom's WASM SIMD kernels (engine/node/train/backends/wasm/simd/*.c) with clang's wasm32
// target into the two committed binaries the loader picks from: one importing a plain memory (tfjs-backend-wasm's
// single-threaded build) and one importing a shared memory (its threaded build). Needs Debian's `clang` and
// `lld` (scripts/setup.sh installs them); `npm ci` and the tests need neither: the binaries are committed.
//   node scripts/build-simd.js            rebuild the binaries
//   node scripts/build-simd.js --check    rebuild into a temporary folder and compare bytes with the committed
//                                         ones (exit 1 on a difference; says why and exits 0 without clang)
// Each binary is checked: it imports only `env.memory` and (with llvm-objdump) has no data segments and code that
// never touches a global, i.e. uses no shadow stack: the memory is tfjs's, not ours. (The unit test checks the
// committed binaries' sections without llvm.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = join(ROOT, 'engine', 'node', 'train', 'backends', 'wasm', 'simd');
const SOURCES = ['adam-norm.c', 'pooling.c', 'layout.c'].map((f) => join(DIR, f));
const COMMON = [
  '--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-nostdlib', '-ffreestanding', '-Wall', '-Wextra', '-Werror',
  '-Wl,--no-entry', '-Wl,--import-memory', '-Wl,-z,stack-size=0', '-Wl,--initial-memory=65536', '-Wl,--strip-all',
];
/** The compiler the committed binaries come from: another clang may emit other (equally valid) bytes. */
const BUILT_WITH = 'Debian clang version 14.0.6';
const BUILDS = [
  { file: 'layerloom-simd.wasm', flags: [] },
  { file: 'layerloom-simd-shared.wasm', flags: ['-matomics', '-Wl,--shared-memory', '-Wl,--max-memory=4294967296'] },
];

function have(cmd) {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

function verify(file) {
  const bytes = readFileSync(file);
  const problems = [];
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
  if (imports.length !== 1 || imports[0].module !== 'env' || imports[0].name !== 'memory') {
    problems.push(`it imports ${JSON.stringify(imports)} (only env.memory is allowed)`);
  }
  const objdump = ['llvm-objdump', 'llvm-objdump-14'].find(have);
  if (objdump) {
    const headers = spawnSync(objdump, ['-h', file], { encoding: 'utf8' });
    const dis = spawnSync(objdump, ['-d', file], { encoding: 'utf8' });
    if (headers.status !== 0 || dis.status !== 0) problems.push(`${objdump} failed: ${headers.stderr}${dis.stderr}`);
    if (/^\s*\d+\s+DATA/m.test(headers.stdout)) problems.push('it has data segments (static data would land in tfjs\'s heap)');
    if (/\bglobal\.(get|set)\b/.test(dis.stdout)) problems.push('its code uses a global (the shadow stack pointer): keep every local in wasm locals');
  } else {
    console.log('build:simd: no llvm-objdump (Debian llvm-14): the data-segment and shadow-stack checks are skipped');
  }
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
}

function build(outDir) {
  for (const b of BUILDS) {
    const out = join(outDir, b.file);
    const r = spawnSync('clang', [...COMMON, ...b.flags, '-o', out, ...SOURCES], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`clang failed for ${b.file}:\n${r.stderr}`);
    verify(out);
  }
}

const check = process.argv.includes('--check');
if (!have('clang') || !have('wasm-ld')) {
  console.log('build:simd: clang and wasm-ld (Debian packages clang, lld) are not installed, so the committed binaries '
    + `were not ${check ? 'checked against their source' : 'rebuilt'}; they are used as they are.`);
  process.exit(0);
}
const version = spawnSync('clang', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
if (!version.includes(BUILT_WITH)) {
  if (check) {
    console.log(`build:simd --check: the binaries were built with ${BUILT_WITH}, this is ${version}: its bytes may differ, `
      + 'so the comparison is skipped (rebuild with `npm run build:simd` to use this compiler)');
    process.exit(0);
  }
  console.log(`build:simd: building with ${version} (the committed binaries: ${BUILT_WITH}); update BUILT_WITH if you commit these`);
}
const tmp = mkdtempSync(join(os.tmpdir(), 'layerloom-simd-'));
try {
  build(tmp);
  if (check) {
    const stale = BUILDS.filter((b) => {
      try { return !readFileSync(join(tmp, b.file)).equals(readFileSync(join(DIR, b.file))); } catch { return true; }
    });
    if (stale.length) {
      console.error(`build:simd --check: ${stale.map((b) => b.file).join(', ')} differ from a fresh build of their sources `
        + '(run `npm run build:simd` and commit the result)');
      process.exit(1);
    }
    console.log(`build:simd --check: ${BUILDS.map((b) => b.file).join(', ')} match their sources`);
  } else {
    for (const b of BUILDS) copyFileSync(join(tmp, b.file), join(DIR, b.file));
    console.log(`build:simd: wrote ${BUILDS.map((b) => b.file).join(', ')} in ${DIR}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
