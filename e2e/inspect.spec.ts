/**
 * The Inspect panel through the visible UI: hover a node and see its receptive field drawn on a real sample
 * (the unit follows the pointer); train fashion-cnn briefly from the training panel; open its kernels, the
 * feature maps of a pinned sample and a class activation map (predicted and chosen class); the "why" view.
 * Screenshots are kept (light and dark).
 */
import { PNG } from 'pngjs';
import { expect } from 'vitest';
import { DesignBuilder } from '../engine/build/design-builder';
import { describeE2E, test } from './fixtures';
import { editor } from './helpers/canvas';
import { trainingPanel } from './helpers/training-panel';

/** The bits of a canvas the spec reads (this tsconfig has no DOM types). */
interface Canvas2d {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}

describeE2E('inspect panel', () => {
  test('receptive field on a sample; kernels, feature maps and CAM of a freshly trained fashion-cnn; why it works', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('fashion-cnn');
    await ed.settled();
    const doc = await ed.document();
    const id = (name: string) => doc.nodes.find((n) => n.name === name)!.id;

    // Receptive field: hover conv2 on the canvas; its 8×8 field and 11×11 grid of units are drawn on a sample.
    await page.getByTestId('toggle-inspect').click();
    await page.getByTestId('inspect-panel').waitFor();
    await page.waitForTimeout(400); // the canvas re-fits into the part the drawer leaves visible
    const facts = page.getByTestId('inspect-field-facts');
    await page.getByTestId(`node-${id('conv2')}`).hover();
    await expect.poll(() => facts.innerText()).toMatch(/conv2[\s\S]*8×8 px of the 28×28 input/);
    expect(await facts.innerText()).toMatch(/2×2 px between neighbouring units/);
    expect(await facts.innerText()).toMatch(/of 11×11/);
    // Moving the pointer over the image moves the unit: top-left corner, then bottom-right.
    const canvas = page.getByTestId('inspect-field-canvas');
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 8, box.y + 8);
    await expect.poll(() => facts.innerText()).toMatch(/row 0, column 0 of 11×11/);
    await page.mouse.move(box.x + box.width - 6, box.y + box.height - 6);
    await expect.poll(() => facts.innerText()).toMatch(/row 10, column 10 of 11×11/);
    await screenshot('field-conv2');
    // The pixels inside the field are brighter than the dimmed rest (the drawing is really there).
    const lit = await canvas.evaluate((c: unknown) => {
      const cv = c as Canvas2d;
      const ctx = cv.getContext('2d');
      const avg = (x: number, y: number, w: number, h: number) => {
        const d = ctx.getImageData(x, y, w, h).data;
        let s = 0;
        for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
        return s / (d.length / 4);
      };
      return { inside: avg(cv.width - 60, cv.height - 60, 50, 50), outside: avg(0, 0, 60, 60) };
    });
    expect(lit.inside).toBeGreaterThan(lit.outside);
    await page.getByTestId(`node-${id('conv1')}`).hover();
    await expect.poll(() => facts.innerText()).toMatch(/conv1[\s\S]*3×3 px/);

    // Explanations: the selected block's plain-language text, formulas and diagram in the inspector.
    await ed.select(id('conv1'));
    const explain = page.getByTestId('block-explain');
    await explain.waitFor();
    await explain.getByTestId('block-explain-formulas').click();
    expect(await explain.innerText()).toMatch(/kernel[\s\S]*Output size[\s\S]*k_h·k_w·C_in·filters \+ filters[\s\S]*\(k − 1\)·S_eff/);
    expect(await explain.locator('svg rect').count()).toBeGreaterThan(20);
    await screenshot('field-conv1-explained');

    // Train briefly from the UI (two epochs on the embedded subset); look at the kernels while it trains.
    await page.getByTestId('inspect-panel').getByLabel('Close the inspect panel').click();
    const tp = trainingPanel(page);
    await tp.open();
    await tp.setField('train-epochs', '2');
    await tp.setField('train-batch', '64');
    await tp.start();
    await expect.poll(async () => (await tp.status()).events.some((e) => e.type === 'checkpoint'), { timeout: 240_000, interval: 500 }).toBe(true);
    await page.getByTestId('train-close').click();
    await page.getByTestId('toggle-inspect').click();
    await page.getByTestId('inspect-tab-kernels').click();
    // The first epoch's checkpoint, while the second epoch runs.
    await page.getByTestId('inspect-checkpoint').waitFor({ timeout: 60_000 });
    const during = await page.getByTestId('inspect-kernels').locator('img').getAttribute('src');
    await screenshot('kernels-while-training');
    // When the run finishes the view refreshes to the final model: other weights, no "still training" note.
    await expect.poll(async () => (await tp.status()).running, { timeout: 240_000, interval: 500 }).toBe(false);
    await page.getByTestId('inspect-checkpoint').waitFor({ state: 'detached', timeout: 60_000 });
    await expect.poll(() => page.getByTestId('inspect-kernels').locator('img').getAttribute('src'), { timeout: 60_000 }).not.toBe(during);
    await tp.open();
    expect(await tp.phase(), await page.getByTestId('train-error').innerText().catch(() => 'no error shown')).toMatch(/completed/);
    await page.getByTestId('train-close').click();

    // Kernels of conv1: 32 filters of 3×3×1.
    expect(await page.getByTestId('inspect-kernels').innerText()).toMatch(/conv2: 64 filters of 3×3×32/);
    await page.getByTestId('inspect-node').selectOption({ label: 'conv1 (Conv2D, 26×26×32)' });
    await expect.poll(() => page.getByTestId('inspect-kernels').innerText()).toMatch(/conv1: 32 filters of 3×3×1/);
    expect(await page.getByTestId('inspect-kernels').locator('img').evaluate((i: unknown) => (i as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(100);
    await screenshot('kernels-conv1');

    // Feature maps of the pinned sample: 12 channels, highest mean first, with their numbers.
    await page.getByTestId('inspect-tab-features').click();
    await page.getByTestId('inspect-features').waitFor({ timeout: 60_000 });
    const captions = await page.getByTestId('inspect-features').locator('.ll-inspect__maps figcaption').allInnerTexts();
    expect(captions).toHaveLength(12);
    const means = captions.map((c) => Number(c.split('·')[1]));
    expect([...means].sort((a, b) => b - a)).toEqual(means);
    await page.getByTestId('inspect-sample').fill('7');
    await expect.poll(() => page.getByTestId('inspect-features').innerText()).toMatch(/test #7/);
    await screenshot('features-conv1');

    // Class activation map at the last convolution (the default), for the predicted class, then a chosen one.
    await page.getByTestId('inspect-tab-cam').click();
    await page.getByTestId('inspect-node').selectOption({ index: 1 });
    await expect.poll(() => page.getByTestId('inspect-cam').innerText(), { timeout: 60_000 }).toMatch(/Grad-CAM at conv2 \(11×11\) for [\s\S]*\(predicted\)/);
    const predicted = await page.getByTestId('inspect-cam').locator('img').getAttribute('src');
    await screenshot('cam-predicted');
    await page.getByTestId('inspect-class').selectOption({ index: 2 });
    await expect.poll(() => page.getByTestId('inspect-cam').innerText()).toMatch(/for Trouser \(predicted: /);
    expect(await page.getByTestId('inspect-cam').locator('img').getAttribute('src')).not.toBe(predicted);
    await screenshot('cam-trouser');
    await page.getByTestId('toggle-theme').click();
    await screenshot('cam-dark');

    // Why it works: the last convolution's field against the input, stages, warnings.
    await page.getByTestId('inspect-tab-why').click();
    const why = page.getByTestId('inspect-why');
    await expect.poll(() => why.innerText()).toMatch(/only 8×8 px of the 28×28 input/);
    expect(await why.locator('tbody tr').count()).toBe(5);
    await screenshot('why-dark');
    await page.getByTestId('toggle-theme').click();
    await screenshot('why-light');
  }, 420_000);

  test('where paths merge: the largest field is drawn, with a note when the paths are misaligned', async ({ page, screenshot }) => {
    // A stride-2 3×3 'same' convolution and a stride-2 1×1 one on a 28×28 input: same shape, centres 1 px apart.
    const b = new DesignBuilder('misaligned merge');
    const x = b.input([28, 28, 1]);
    const wide = b.add('Conv2D', { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }, x, 'wide');
    const narrow = b.add('Conv2D', { filters: 4, kernelSize: [1, 1], strides: [2, 2], padding: 'same' }, x, 'narrow');
    const merged = b.add('Add', {}, [wide, narrow], 'merged');
    b.output(b.add('Dense', { units: 10, activation: 'softmax' }, b.add('Flatten', {}, merged, 'flat'), 'head'));
    const ed = editor(page);
    await ed.load(b.build());
    await page.getByTestId('toggle-inspect').click();
    await page.getByTestId('inspect-panel').waitFor();
    await page.waitForTimeout(400);
    const mergedId = (await ed.document()).nodes.find((n) => n.name === 'merged')!.id;
    await ed.select(mergedId);
    const facts = page.getByTestId('inspect-field-facts');
    await expect.poll(() => facts.innerText()).toMatch(/merged[\s\S]*3×3 px of the 28×28 input/);
    expect(await page.getByTestId('inspect-field-misaligned').innerText()).toMatch(/largest field is drawn[\s\S]*misaligned/);
    await screenshot('field-misaligned-merge');
  }, 120_000);

  test('an image file dropped on the sample replaces it', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('fashion-cnn');
    await ed.settled();
    // 56×56 black with a white 16×16 square at the top left: shrunk to the 28×28 input, the square is 8×8.
    const png = new PNG({ width: 56, height: 56 });
    for (let y = 0; y < 56; y++) for (let x = 0; x < 56; x++) png.data.set(x < 16 && y < 16 ? [255, 255, 255, 255] : [0, 0, 0, 255], (y * 56 + x) * 4);
    const bytes = [...PNG.sync.write(png)];
    await page.getByTestId('toggle-inspect').click();
    await page.getByTestId('inspect-panel').waitFor();
    await page.waitForTimeout(400);
    const canvas = page.getByTestId('inspect-field-canvas');
    const dataTransfer = await page.evaluateHandle((b: number[]) => {
      const g = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: unknown[], name: string, o: { type: string }) => unknown };
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([new Uint8Array(b)], 'square.png', { type: 'image/png' }));
      return dt;
    }, bytes);
    await page.getByTestId('inspect-field').locator('.ll-inspect__field').dispatchEvent('drop', { dataTransfer });
    const box = (await canvas.boundingBox())!;
    const scale = box.width / 28;
    // Put the unit on the square (conv1: 3×3 field): the pixel under it is white, one far away is black.
    await page.getByTestId(`node-${(await ed.document()).nodes.find((n) => n.name === 'conv1')!.id}`).hover();
    await page.mouse.move(box.x + 4 * scale, box.y + 4 * scale);
    const pixel = (x: number, y: number) =>
      canvas.evaluate((c: unknown, [px, py]: number[]) => Array.from((c as { getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } }).getContext('2d').getImageData(px, py, 1, 1).data).slice(0, 3), [x, y]);
    await expect.poll(() => pixel(Math.round(4 * scale), Math.round(4 * scale))).toEqual([255, 255, 255]);
    expect(await pixel(Math.round(20 * scale), Math.round(20 * scale))).toEqual([0, 0, 0]);
    expect(await page.locator('.ll-inspect__thumbs button.is-active').count()).toBe(0);
    await screenshot('field-dropped-image');
  }, 120_000);
});
