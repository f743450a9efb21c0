/**
 * Grad-CAM of a design with two outputs through the visible UI: train the small two-head CNN briefly from the
 * training panel, open the CAM view, and pick the second output in the Output select (shown only because the
 * model has two): the map and probabilities change to that head's. Screenshots in light and dark.
 */
import { expect } from 'vitest';
import { twoHeadCnn } from '../engine/node/train/test-fixtures';
import { describeE2E, test } from './fixtures';
import { editor } from './helpers/canvas';
import { trainingPanel } from './helpers/training-panel';

describeE2E('inspect panel with several outputs', () => {
  test('the Output select switches the class activation map to the chosen head', async ({ page, screenshot }) => {
    const ed = editor(page);
    const tp = trainingPanel(page);
    await ed.load(twoHeadCnn({ auxWeight: 0.3 }));
    await tp.open();
    await page.getByTestId('train-fit-ok').waitFor({ timeout: 30_000 });
    await tp.setField('train-epochs', '1');
    await tp.setField('train-batch', '128');
    await tp.start();
    await tp.waitPhase(/completed/, 200_000);
    await page.getByTestId('train-close').click();

    await page.getByTestId('toggle-inspect').click();
    await page.getByTestId('inspect-tab-cam').click();
    const cam = page.getByTestId('inspect-cam');
    await expect.poll(() => cam.innerText(), { timeout: 60_000 }).toMatch(/Grad-CAM at conv \(13×13\)/);
    const output = page.getByTestId('inspect-output');
    expect(await output.locator('option').allInnerTexts()).toEqual(['1: output', '2: aux_output']);
    const first = { map: await cam.locator('img').getAttribute('src'), probs: await cam.locator('ol').innerText() };
    await screenshot('cam-output-1');

    await output.selectOption({ index: 1 });
    // The auxiliary head's own Dense weighs conv's channels: another map, other probabilities.
    await expect.poll(() => cam.locator('img').getAttribute('src'), { timeout: 60_000 }).not.toBe(first.map);
    expect(await cam.locator('ol').innerText()).not.toBe(first.probs);
    await screenshot('cam-output-2');
    await page.getByTestId('toggle-theme').click();
    await screenshot('cam-output-2-dark');
    await page.getByTestId('toggle-theme').click();
  }, 360_000);
});
