/**
 * ONNX through the File menu, as a user does it: export ResNet-18 as ONNX, check the file in onnxruntime (the
 * runtime deployment tools use), import it back and see the same parameter count; a file with an operator
 * LayerLoom has no block for shows the operator and node, and the open design stays. And engine/onnx itself,
 * bundled for the browser, writes in Chromium the same bytes as in Node and reads them back.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { expect } from 'vitest';
import { ROOT } from '../scripts/build-app';
import { zooDesign } from '../engine/codegen/test-designs';
import { exportOnnx } from '../engine/onnx/export';
import { analyzeDesign } from '../engine/analysis/analyze';
import { requireTemplate } from '../templates';
import { loadOrt, ONNX_NODE_TESTS } from '../engine/onnx/test-onnx';
import { describeE2E, test } from './fixtures';
import { editor } from './helpers/canvas';

const count = (text: string) => Number(text.replace(/[^\d]/g, ''));
type PageGlobals = { document: { documentElement: { dataset: { theme?: string } } } };

describeE2E('ONNX in the File menu', () => {
  test('Export ONNX, run it in onnxruntime, Import it back with the same parameter count', async ({ page, app, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('resnet18');
    await ed.settled();
    const shown = count(await ed.totalParams());
    expect(shown).toBe(11_699_112);

    const out = join(app.docsDir, 'resnet18.onnx');
    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-export').click();
    await page.getByTestId('export-format-onnx').check();
    await page.getByTestId('export-path').fill(out);
    for (const theme of ['light', 'dark'] as const) {
      if ((await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.dataset.theme)) !== theme) {
        await page.keyboard.press('Escape');
        await page.getByTestId('toggle-theme').click();
        await page.getByTestId('file-menu').click();
        await page.getByTestId('menu-export').click();
        await page.getByTestId('export-format-onnx').check();
        await page.getByTestId('export-path').fill(out);
      }
      await screenshot(`export-dialog-onnx-${theme}`);
    }
    await page.getByTestId('export-confirm').click();
    await expect(page.getByTestId('toast').innerText()).resolves.toContain(`Exported ${out}`);

    const { ort, skip } = loadOrt();
    if (ort) {
      const session = await ort.InferenceSession.create(new Uint8Array(await readFile(out)));
      const x = new ort.Tensor('float32', new Float32Array(3 * 224 * 224).fill(0.5), [1, 3, 224, 224]);
      const y = await session.run({ [session.inputNames[0]]: x });
      expect(y[session.outputNames[0]].dims).toEqual([1, 1000]);
      const probs = y[session.outputNames[0]].data as Float32Array;
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    } else console.log(`SKIP running the exported file: ${skip}`);

    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-import-model').click();
    await page.getByTestId('prompt-input').fill('resnet18.onnx');
    await page.getByTestId('prompt-confirm').click();
    // The export's toast may still be up: wait for the import's.
    await page.getByTestId('toast').filter({ hasText: 'Imported' }).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('toast').innerText()).resolves.toMatch(/Imported \d+ layers from .*resnet18\.onnx/);
    await ed.settled();
    expect(count(await ed.totalParams())).toBe(shown);
    expect((await ed.document()).nodes.filter((n) => n.type === 'Conv2D').length).toBe(20);
    await screenshot('imported-resnet18-onnx');
  });

  test('Import model: an ONNX operator without a block is named, and the open design stays', async ({ page, app, screenshot }) => {
    const lrn = join(ONNX_NODE_TESTS, 'test_lrn', 'model.onnx');
    if (!existsSync(lrn)) return console.log(`SKIP: ${lrn} is missing (Debian libonnx-testdata: bash scripts/setup.sh)`);
    const ed = editor(page);
    await ed.loadTemplate('lenet5');
    await ed.settled();
    const before = await ed.document();
    await copyFile(lrn, join(app.docsDir, 'lrn.onnx'));
    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-import-model').click();
    await page.getByTestId('prompt-input').fill('lrn.onnx');
    await page.getByTestId('prompt-confirm').click();
    const toast = await page.getByTestId('toast').innerText();
    // The file, then the node by operator and name (an unnamed node goes by its output's name), then why.
    expect(toast).toMatch(/Could not import the model: .*lrn\.onnx: LRN node '[^']+': operator 'LRN' has no LayerLoom block$/);
    await page.waitForTimeout(500); // the toast's fade-in, for the screenshot
    await screenshot('import-onnx-unsupported');
    expect(await ed.document()).toEqual(before);
  });
});

describeE2E('engine/onnx in the browser', () => {
  test('bundled for the browser, it writes the same files as in Node and reads them back', async ({ page }) => {
    const dir = join(ROOT, 'test-results', 'onnx-browser');
    await mkdir(dir, { recursive: true });
    const entry = join(dir, 'entry.ts');
    await writeFile(entry, `export { exportOnnx } from '../../engine/onnx/export';\nexport { importOnnx } from '../../engine/onnx/import';\nexport { analyzeDesign } from '../../engine/analysis/analyze';\n`);
    // platform 'browser': a Node built-in anywhere in engine/onnx's imports would fail the bundle.
    const out = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'iife', globalName: 'onnxLib', write: false, logLevel: 'silent' });
    const docs = [zooDesign(), requireTemplate('mobilenetv2').build({ inputShape: [32, 32, 3] })];
    const inNode = docs.map((d) => exportOnnx(d).bytes);
    // A blank page (the app's own page forbids inline scripts by its content security policy).
    const blank = await page.context().newPage();
    await blank.goto('about:blank');
    await blank.addScriptTag({ content: out.outputFiles[0].text });
    type Lib = { exportOnnx: typeof exportOnnx; importOnnx: (b: Uint8Array) => { doc: unknown }; analyzeDesign: (d: unknown) => { totals: { params: number } } };
    const result = await blank.evaluate((ds) => {
      const lib = (globalThis as unknown as { onnxLib: Lib }).onnxLib;
      const files = ds.map((d) => lib.exportOnnx(d as never).bytes);
      const params = files.map((f) => lib.analyzeDesign(lib.importOnnx(f).doc).totals.params);
      // FNV-1a over the bytes: megabytes do not cross the page boundary.
      const digest = (b: Uint8Array) => {
        let h = 0x811c9dc5;
        for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
        return `${b.length}:${h.toString(16)}`;
      };
      return { files: files.map(digest), params };
    }, docs);
    await blank.close();
    const digest = (b: Uint8Array) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
      return `${b.length}:${h.toString(16)}`;
    };
    expect(result.files).toEqual(inNode.map(digest));
    expect(result.params).toEqual(docs.map((d) => analyzeDesign(d).totals.params));
  });
});
