/**
 * `npm run bench:inspect-ui`: does the page stay smooth while a class activation map is computed? Opens the app
 * (browser mode, headless Chromium) on a run folder holding ResNet-18 retargeted to 28×28×1 (11 M parameters,
 * the heaviest model the embedded dataset fits), shows its Grad-CAM, then steps through `--samples` test samples,
 * each a new CAM from the host's inspect worker, recording every animation frame (rAF deltas) meanwhile. The
 * peer in the same run is the same page idle. Prints median / p95 / worst frame and frames over 50 ms for both,
 * and the click → heat map shown time. Goal (issue 11): 60 fps while it computes (median frame ≈ 16.7 ms).
 * Options: --samples N (default 8), --idle-seconds N (default 3).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { chromium } from 'playwright-core';
import { compileModel } from '../engine/compile/compile';
import { saveModelFiles } from '../engine/node/model-files';
import { serializeDocument } from '../engine/schema/load';
import { startBrowserServer } from '../electron/browser-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } from '../e2e/chromium';
import { ensureRenderer, TEST_RENDERER_DIR } from '../scripts/build-app';
import { requireTemplate } from '../templates/index';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '8' }, 'idle-seconds': { type: 'string', default: '3' } } });
const SAMPLES = Number(values.samples);
const IDLE = Number(values['idle-seconds']);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const describeFrames = (xs: number[]) =>
  `median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, worst ${Math.max(...xs).toFixed(1)} ms, ${xs.filter((x) => x > 50).length} of ${xs.length} frames over 50 ms`;

if (chromiumMissing) {
  console.log(`bench:inspect-ui skipped: ${chromiumMissing}`);
  process.exit(0);
}

ensureRenderer({ test: true });
const dir = mkdtempSync(join(tmpdir(), 'layerloom-bench-inspect-'));
const runDir = join(dir, 'LayerLoom runs', '2026-01-01T00-00-00-000Z');
mkdirSync(join(runDir, 'model'), { recursive: true });
await tf.setBackend('cpu');
const doc = requireTemplate('resnet18').build({ inputShape: [28, 28, 1], classes: 10 });
const model = compileModel(doc, tf, { compile: false });
const params = model.countParams();
await saveModelFiles(model, join(runDir, 'model'));
writeFileSync(join(runDir, 'design.json'), serializeDocument(doc));
writeFileSync(join(runDir, 'run.json'), JSON.stringify({ format: 'layerloom.run', version: 1, status: 'completed', design: doc.name, dataset: { spec: 'default', name: 'default' } }));

const server = await startBrowserServer({ rendererDir: TEST_RENDERER_DIR, userDataDir: join(dir, 'user'), documentsDir: dir, version: 'bench' });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // A string, not a function: tsx would wrap a function in helpers (`__name`) the page does not have.
  await page.addInitScript(`
    globalThis.__frames = [];
    globalThis.__recording = false;
    let last = 0;
    const tick = (t) => {
      if (globalThis.__recording && last) globalThis.__frames.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  `);
  await page.goto(server.url);
  await page.waitForSelector('.ll-app');
  await page.getByTestId('toggle-inspect').click();
  await page.getByTestId('inspect-tab-cam').click();
  await page.getByTestId('inspect-cam').waitFor({ timeout: 300_000 });
  const record = async (on: boolean): Promise<number[]> =>
    page.evaluate(`(() => {
      globalThis.__recording = ${on};
      const out = globalThis.__frames;
      if (${on}) globalThis.__frames = [];
      return out;
    })()`);

  await record(true);
  await page.waitForTimeout(IDLE * 1000);
  const idle = await record(false);

  await record(true);
  const roundTrips: number[] = [];
  for (let k = 1; k <= SAMPLES; k++) {
    const t0 = Date.now();
    await page.getByTestId('inspect-sample').fill(String(k));
    await page.getByTestId('inspect-cam').getByText(`test #${k} `).waitFor({ timeout: 120_000 });
    await page.getByTestId('inspect-busy').waitFor({ state: 'detached', timeout: 120_000 });
    roundTrips.push(Date.now() - t0);
  }
  const busy = await record(false);
  console.log(`ResNet-18 at 28×28×1 (${params.toLocaleString('en-US')} params), Grad-CAM at its last convolution, ${SAMPLES} samples, host inspect worker (tfjs wasm backend, cpu where wasm cannot load)`);
  console.log(`  idle page:               ${describeFrames(idle)}`);
  console.log(`  while computing CAMs:    ${describeFrames(busy)}`);
  console.log(`  ratio (median frame):    ${(quantile(busy, 0.5) / quantile(idle, 0.5)).toFixed(2)}×`);
  console.log(`  sample change → heat map shown: median ${quantile(roundTrips, 0.5)} ms (worst ${Math.max(...roundTrips)} ms)`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
