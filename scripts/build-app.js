// Builds what `npm start`, the e2e specs and the UI benchmark run: the renderer (vite, only when missing or
// older than its sources) and the Electron/browser-mode host bundles (esbuild, always: it takes ~100 ms).
// Also finds the Electron binary without `require('electron')`, which would try to download it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The app's renderer build (what `npm start` serves): production, no test hook. */
export const RENDERER_DIR = join(ROOT, 'dist', 'renderer');
/**
 * The test build (e2e specs and benchmarks): the same production bundle plus the page's test hook
 * (`window.__layerloom`). `LAYERLOOM_RENDERER_OUT` moves it, so two checkouts' test runs never share a folder.
 */
export const TEST_RENDERER_DIR = process.env.LAYERLOOM_RENDERER_OUT ?? join(ROOT, 'dist', 'renderer-test');
export const RENDERER_INDEX = join(RENDERER_DIR, 'index.html');
const RENDERER_SOURCES = ['renderer', 'engine', 'templates', 'vite.config.ts', 'package-lock.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** The folder of the app build or, with `test`, of the test build. */
export function rendererDir({ test = false } = {}) {
  return test ? TEST_RENDERER_DIR : RENDERER_DIR;
}

/** Why the renderer build must be (re)made, or null when it is current. */
export function rendererStaleReason({ test = false } = {}) {
  const index = join(rendererDir({ test }), 'index.html');
  if (!existsSync(index)) return `${index} is missing`;
  const built = statSync(index).mtimeMs;
  const changed = RENDERER_SOURCES.find((p) => newestMtime(join(ROOT, p)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

/**
 * Builds the renderer with vite when missing or stale (or always with force); `test` builds the test build
 * (with the page's test hook) into its own folder. Throws when the build fails.
 */
export function ensureRenderer({ force = false, test = false, log = console.log } = {}) {
  const reason = force ? 'forced' : rendererStaleReason({ test });
  if (!reason) return false;
  log(`Building the ${test ? 'test ' : ''}renderer (${reason})…`);
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  // NODE_ENV=production explicitly: under vitest (e2e global setup) NODE_ENV is 'test', which would bundle React's development build.
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production', LAYERLOOM_TEST_HOOK: test ? '1' : '', LAYERLOOM_RENDERER_OUTDIR: rendererDir({ test }) } });
  if (result.status !== 0) throw new Error(`the renderer build failed (vite exit ${result.status}); run \`npx vite build\` to see why`);
  return true;
}

/** Bundles main and preload (CommonJS, for Electron) and the browser-mode entry (ESM) into dist-electron/. */
export async function buildHost() {
  const esbuild = await import('esbuild');
  const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', absWorkingDir: ROOT, tsconfig: join(ROOT, 'tsconfig.node.json') };
  await Promise.all([
    // CommonJS has no import.meta.url: give modules that read it (the training worker host) this file's URL.
    esbuild.build({
      ...common, entryPoints: ['electron/main.ts'], outfile: 'dist-electron/main.cjs', format: 'cjs', external: ['electron'],
      define: { 'import.meta.url': '__importMetaUrl' },
      banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    }),
    // The sandboxed preload may only require('electron'): everything else is bundled in.
    esbuild.build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist-electron/preload.cjs', format: 'cjs', external: ['electron'], target: 'chrome130' }),
    esbuild.build({ ...common, entryPoints: ['electron/browser-main.ts'], outfile: 'dist-electron/browser.mjs', format: 'esm', packages: 'external' }),
  ]);
  return { main: join(ROOT, 'dist-electron', 'main.cjs'), browser: join(ROOT, 'dist-electron', 'browser.mjs') };
}

const EXECUTABLE = { darwin: 'Electron.app/Contents/MacOS/Electron', win32: 'electron.exe' };

/**
 * The Electron executable, or the reason there is none: `ELECTRON_OVERRIDE_DIST_PATH` (a preinstalled
 * build) first, then the `electron` package's downloaded binary (`path.txt` + `dist/`).
 */
export function findElectron() {
  const exeName = EXECUTABLE[process.platform] ?? 'electron';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const exe = join(override, exeName);
    return existsSync(exe) ? { path: exe } : { reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${exe} does not exist` };
  }
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the optional "electron" package is not installed (it needs Node >= 22.12 and a download from GitHub)' };
  }
  const pathTxt = join(pkgDir, 'path.txt');
  const exe = existsSync(pathTxt) ? join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim()) : null;
  if (!exe || !existsSync(exe)) return { reason: 'the Electron binary has not been downloaded (no network access to GitHub?)' };
  return { path: exe };
}
