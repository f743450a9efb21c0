#!/usr/bin/env node
// `npm run bench:stream`: the training panel under a firehose. Opens the app build in headless Chromium (browser
// mode), opens the training panel's curves, and feeds 200 `batch` events per second for 60 s through the real host
// event channel (the browser-mode server's broadcast → WebSocket → the page's host client → run feed → uPlot),
// plus the throughput/memory events a worker sends ~10×/s. Reports frame times (rAF deltas), the delay from an
// event's send to its point drawn on the loss chart, and the JS heap (after GC) at start and end. The peer in the
// same run is the same page idle (panel open, no events) for a few seconds: the frame ratio shows what streaming costs.
// Goals (issue 10): median frame <= 16.7 ms, p95 send->drawn <= 100 ms, heap growth < 20 MB.
// Options: --seconds N (default 60), --rate N (events/s, default 200), --screenshot FILE.
//
// What the bench needs from the renderer: [data-testid="toggle-training"], [data-testid="train-tab-curves"],
// [data-testid="chart-batch-loss"], and the loss chart calling window.__layerloomStreamProbe?.drawn(points) after
// each redraw (renderer/src/panels/training/curves-tab.tsx); the probe is installed here, never in the app.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';
import * as build from './build-app.js';

register();
const { startBrowserServer } = await import('../electron/browser-server.ts');
const { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } = await import('../e2e/chromium.ts');
const { chromium } = await import('playwright-core');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('seconds', '60'));
const RATE = Number(arg('rate', '200'));
const SCREENSHOT = arg('screenshot', null);
const IDLE_SECONDS = 5;
const GOALS = { frameMs: 16.7, delayP95Ms: 100, heapGrowthMb: 20 };

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const median = (xs) => quantile(xs, 0.5);
const f1 = (x) => x.toFixed(1);

if (chromiumMissing) {
  console.log(`bench:stream skipped: ${chromiumMissing}`);
  process.exit(0);
}

// The test build when this checkout has one (its folder follows LAYERLOOM_RENDERER_OUT), else the app build.
build.ensureRenderer({ test: true });
const rendererDir = build.TEST_RENDERER_DIR ?? join(build.ROOT, 'dist', 'renderer');
const dir = mkdtempSync(join(tmpdir(), 'layerloom-bench-stream-'));
const server = await startBrowserServer({ rendererDir, userDataDir: join(dir, 'user'), documentsDir: dir, version: 'bench' });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const total = Math.round(SECONDS * RATE);
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // The probe and the frame recorder: preallocated typed arrays, so measuring does not grow the heap it measures.
  await page.addInitScript((n) => {
    const drawnAt = new Float64Array(n + 2);
    let drawnUpTo = 0;
    const frames = new Float64Array(120 * 400);
    let frameCount = 0;
    let recording = false;
    let last = 0;
    const tick = (t) => {
      if (recording && last && frameCount < frames.length) frames[frameCount++] = t - last;
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    globalThis.__layerloomStreamProbe = {
      drawn(points) {
        const now = Date.now();
        for (let k = drawnUpTo + 1; k <= Math.min(points, n + 1); k++) drawnAt[k] = now;
        drawnUpTo = Math.max(drawnUpTo, points);
      },
      record(on) {
        recording = on;
        frameCount = 0;
        last = 0;
      },
      frames: () => Array.from(frames.subarray(0, frameCount)),
      drawnAt: () => Array.from(drawnAt),
    };
  }, total);
  await page.goto(server.url);
  await page.getByTestId('toggle-training').click();
  await page.getByTestId('train-tab-curves').click();
  await page.getByTestId('chart-batch-loss').locator('canvas').first().waitFor();
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };

  // Peer: the same page, panel open, no events.
  await page.evaluate(() => globalThis.__layerloomStreamProbe.record(true));
  await page.waitForTimeout(IDLE_SECONDS * 1000);
  const idleFrames = await page.evaluate(() => globalThis.__layerloomStreamProbe.frames());

  const send = (payload) => server.broadcast('trainingEvent', payload);
  send({ type: 'backend', name: 'wasm', reason: 'bench:stream', skipped: [] });
  send({ type: 'started', dataset: 'bench', trainExamples: total * 32, validationExamples: 0, testExamples: 0, classNames: ['a', 'b'], epochs: 1, batchSize: 32, batchesPerEpoch: total, parameters: 1, startEpoch: 0 });
  send({ type: 'epoch-start', epoch: 0, epochs: 1, batches: total, learningRate: 0.001 });
  await page.waitForTimeout(300);
  const heapStart = await heap();
  await page.evaluate(() => globalThis.__layerloomStreamProbe.record(true));

  const sentAt = new Float64Array(total);
  const t0 = Date.now();
  let i = 0;
  let lastSide = 0;
  await new Promise((done) => {
    const pump = () => {
      const due = Math.min(total, Math.floor(((Date.now() - t0) * RATE) / 1000));
      for (; i < due; i++) {
        const loss = 2.3 * Math.exp(-i / (total / 3)) + 0.1 + 0.2 * Math.random();
        sentAt[i] = Date.now();
        send({ type: 'batch', epoch: 0, batch: i, batches: total, loss: [loss], accuracy: [Math.min(1, 1 - loss / 2.5)] });
      }
      if (Date.now() - lastSide >= 100) {
        lastSide = Date.now();
        send({ type: 'throughput', examplesPerSecond: RATE * 32, etaSeconds: (total - i) / RATE });
        send({ type: 'memory', tensorBytes: 1e6, tensors: 10, rssBytes: 3e8 });
      }
      if (i >= total) done();
      else setTimeout(pump, 2);
    };
    pump();
  });
  await page.waitForTimeout(500);
  const frames = await page.evaluate(() => globalThis.__layerloomStreamProbe.frames());
  const drawnAt = await page.evaluate(() => globalThis.__layerloomStreamProbe.drawnAt());
  const heapEnd = await heap();
  if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT });

  const delays = [];
  let missing = 0;
  for (let k = 0; k < total; k++) {
    const drawn = drawnAt[k + 1];
    if (drawn) delays.push(drawn - sentAt[k]);
    else missing++;
  }
  const result = {
    events: total,
    seconds: SECONDS,
    rate: RATE,
    frameMedianMs: median(frames),
    frameP95Ms: quantile(frames, 0.95),
    idleFrameMedianMs: median(idleFrames),
    delayMedianMs: median(delays),
    delayP95Ms: quantile(delays, 0.95),
    neverDrawn: missing,
    heapStartMb: heapStart / 1048576,
    heapEndMb: heapEnd / 1048576,
  };
  const growth = result.heapEndMb - result.heapStartMb;
  const ok = (cond) => (cond ? 'ok' : 'MISSED');
  console.log(`bench:stream — ${total} batch events at ${RATE}/s for ${SECONDS} s through the browser-mode event channel (Chromium, app build)`);
  console.log(`  frames while streaming: median ${f1(result.frameMedianMs)} ms, p95 ${f1(result.frameP95Ms)} ms (goal median <= ${GOALS.frameMs} ms: ${ok(result.frameMedianMs <= GOALS.frameMs)})`);
  console.log(`  peer, same page idle:   median ${f1(result.idleFrameMedianMs)} ms → streaming/idle ratio ${(result.frameMedianMs / result.idleFrameMedianMs).toFixed(2)}`);
  console.log(`  send → drawn on the loss chart: median ${f1(result.delayMedianMs)} ms, p95 ${f1(result.delayP95Ms)} ms (goal p95 <= ${GOALS.delayP95Ms} ms: ${ok(result.delayP95Ms <= GOALS.delayP95Ms)}); never drawn: ${missing}`);
  console.log(`  JS heap after GC: start ${f1(result.heapStartMb)} MB, end ${f1(result.heapEndMb)} MB, growth ${f1(growth)} MB (goal < ${GOALS.heapGrowthMb} MB: ${ok(growth < GOALS.heapGrowthMb)})`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
