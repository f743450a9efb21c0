/**
 * Model files through the File menu: export VGG-16 as TypeScript, type-check it under `tsc --strict` and build
 * it to compare its parameter count with the app's; import a real tfjs model file written by Keras' converter;
 * import a broken one and keep the open design.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from '../scripts/build-app';
import { generateCode } from '../engine/codegen';
import { parseDocument } from '../engine/schema/load';
import { describeE2E, test } from './fixtures';
import { editor } from './helpers/canvas';
import { codePanel } from './helpers/code-panel';

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** Generated code must resolve `@tensorflow/tfjs` from the repo's node_modules, so it is written inside the repo. */
const SCRATCH = join(ROOT, 'test-results', 'code-e2e');
/** A real tfjs Layers model (Keras VGG16 base + 3 dense layers, 8 classes), copied from /work/shared/data/model-files. */
const VGG_TFJS = join(ROOT, 'engine', 'import', 'fixtures', 'vgg16-finetuned-8-classes.tfjs-layers-model.json');

/** The digits of a count as the status bar shows it ("138,357,544 params" -> 138357544). */
const count = (text: string) => Number(text.replace(/[^\d]/g, ''));

describeE2E('model files in the File menu', () => {
  test('Export TypeScript: compiles under tsc --strict and builds a model with the parameter count the app shows', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('vgg16');
    await ed.settled();
    const shown = count(await ed.totalParams());
    expect(shown).toBe(138_357_544);

    await rm(SCRATCH, { recursive: true, force: true });
    await mkdir(SCRATCH, { recursive: true });
    const out = join(SCRATCH, 'vgg16.ts');
    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-export').click();
    await page.getByTestId('export-format-ts').check();
    await page.getByTestId('export-path').fill(out);
    await screenshot('export-dialog');
    await page.getByTestId('export-confirm').click();
    await expect(page.getByTestId('toast').innerText()).resolves.toContain(`Exported ${out}`);

    const tsc = spawnSync(process.execPath, [TSC, '--ignoreConfig', '--strict', '--noEmit', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--skipLibCheck', out], { cwd: SCRATCH, encoding: 'utf8', timeout: 120_000 });
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
    expect(tsc.status).toBe(0);

    await writeFile(join(SCRATCH, 'count.ts'), "import * as tf from '@tensorflow/tfjs';\nimport { buildModel } from './vgg16';\ntf.env().set('PROD', true);\nconsole.log(buildModel().countParams());\n");
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(SCRATCH, 'count.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(Number(run.stdout.trim().split('\n').pop())).toBe(shown);
  });

  test('Import model: a real tfjs model file opens as a new design with the parameter count of its weights', async ({ page, app, screenshot }) => {
    const ed = editor(page);
    await copyFile(VGG_TFJS, join(app.docsDir, 'vgg16-8.json'));
    const json = JSON.parse(await readFile(VGG_TFJS, 'utf8')) as { weightsManifest: { weights: { shape: number[] }[] }[] };
    // What the file's writer declared: every weight tensor's size, from its manifest.
    const expected = json.weightsManifest.flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);

    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-import-model').click();
    await page.getByTestId('prompt-input').fill('vgg16-8.json');
    await page.getByTestId('prompt-confirm').click();
    await expect(page.getByTestId('toast').innerText()).resolves.toMatch(/Imported 22 layers from .*vgg16-8\.json/);
    await ed.settled();
    expect(count(await ed.totalParams())).toBe(expected);
    expect((await ed.document()).nodes.filter((n) => n.type === 'Conv2D')).toHaveLength(13);
    await screenshot('imported-vgg16-8');
  });

  test('Import model: a broken file shows what is wrong (layer and field) and the open design stays', async ({ page, app, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('lenet5');
    await ed.settled();
    const before = await ed.document();
    const json = JSON.parse(await readFile(VGG_TFJS, 'utf8'));
    const layer = json.modelTopology.model_config.config.layers.find((l: { name: string }) => l.name === 'block2_conv1');
    layer.config.kernel_size = [0, 3];
    await writeFile(join(app.docsDir, 'broken.json'), JSON.stringify(json));

    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-import-model').click();
    await page.getByTestId('prompt-input').fill('broken.json');
    await page.getByTestId('prompt-confirm').click();
    const toast = await page.getByTestId('toast').innerText();
    expect(toast).toMatch(/Could not import the model: .*broken\.json: cannot import: .*block2_conv1.*kernelSize/);
    await screenshot('import-broken');
    expect(await ed.document()).toEqual(before);
  });

  test('the code panel saves its tab as a file', async ({ page, app }) => {
    const ed = editor(page);
    await ed.loadTemplate('lenet5');
    await ed.settled();
    const code = codePanel(page);
    await code.open();
    await code.tab('keras');
    await page.getByTestId('code-save-as').click();
    await expect(page.getByTestId('prompt-input').inputValue()).resolves.toBe('model.py');
    await page.getByTestId('prompt-input').fill('saved/lenet.py');
    await page.getByTestId('prompt-confirm').click();
    await expect(page.getByTestId('toast').innerText()).resolves.toMatch(/Saved .*saved\/lenet\.py/);
    const written = await readFile(join(app.docsDir, 'saved', 'lenet.py'), 'utf8');
    expect(written).toBe(generateCode(parseDocument(await ed.document()), 'keras')[0].contents);
  });

  test('Export tfjs with the trained weights of a run folder (what `layerloom train --out` writes)', async ({ page, app, screenshot }) => {
    const run = join(app.docsDir, 'runs', 'lenet-run');
    const trained = spawnSync(process.execPath, [join(ROOT, 'bin', 'layerloom.js'), 'train', 'lenet5', '--epochs', '1', '--limit-train', '64', '--limit-test', '32', '--batch', '32', '--out', run], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(trained.status, trained.stderr).toBe(0);
    const ed = editor(page);
    await ed.loadTemplate('lenet5');
    await ed.settled();
    // The run trained on 28×28×1 images: retarget the design the way the training panel offers.
    await page.evaluate(() => (globalThis as unknown as { __layerloom: { dispatch(c: unknown): boolean } }).__layerloom.dispatch({ kind: 'retarget', inputShape: [28, 28, 1] }));
    await ed.settled();

    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-export').click();
    await page.getByTestId('export-format-tfjs').check();
    await page.getByTestId('export-path').fill('lenet-trained');
    await page.getByTestId('export-run').fill('runs/lenet-run');
    await screenshot('export-tfjs-run');
    await page.getByTestId('export-confirm').click();
    await expect(page.getByTestId('toast').innerText()).resolves.toMatch(/Exported .*lenet-trained.*with the trained weights of .*lenet-run/);
    const written = await readFile(join(app.docsDir, 'lenet-trained', 'weights.bin'));
    expect(written.equals(await readFile(join(run, 'model', 'weights.bin')))).toBe(true);

    // A run of another design: the dialog stays open with the reason, nothing is written.
    await page.evaluate(() => (globalThis as unknown as { __layerloom: { dispatch(c: unknown): boolean } }).__layerloom.dispatch({ kind: 'retarget', inputShape: [32, 32, 1] }));
    await ed.settled();
    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-export').click();
    await page.getByTestId('export-path').fill('lenet-wrong');
    await page.getByTestId('export-confirm').click();
    await expect(page.getByTestId('export-error').innerText()).resolves.toMatch(/layer 'c5' has weights \[256x120, 120\] but the design's layer 'c5' needs \[400x120, 120\]/);
    await screenshot('export-tfjs-wrong-run');
    await expect(readFile(join(app.docsDir, 'lenet-wrong', 'weights.bin'))).rejects.toThrow();
  });
});
