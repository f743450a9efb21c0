/**
 * Several inputs and outputs through the visible UI: GoogLeNet with its two auxiliary classifiers from the
 * gallery (their outputs and loss weights in the inspector and the summary), and a short real training run of a
 * small two-head design on the embedded dataset, whose two outputs' losses show beside the total.
 */
import { expect } from 'vitest';
import { twoHeadCnn } from '../engine/node/train/test-fixtures';
import { describeE2E, test } from './fixtures';
import { hostCall } from './helpers/app-page';
import { editor } from './helpers/canvas';
import { trainingPanel } from './helpers/training-panel';

describeE2E('several inputs and outputs', () => {
  test('googlenet-aux from the gallery: two auxiliary outputs weighted 0.3 in the inspector and the summary', async ({ page, screenshot }) => {
    const ed = editor(page);
    await page.getByTestId('open-gallery').click();
    await page.getByTestId('template-googlenet-aux').waitFor();
    await expect.poll(() => page.getByTestId('template-googlenet-aux').innerText(), { timeout: 30_000 }).toContain('13.4M params');
    await page.getByTestId('template-googlenet-aux').click();
    await ed.settled();
    expect(await ed.totalParams()).toBe('13,378,280');
    for (const id of ['aux1_output', 'aux2_output']) {
      await ed.focus(id);
      await ed.select(id);
      await expect.poll(() => page.getByTestId('inspector-name').inputValue()).toBe(id);
      expect(await page.getByTestId('param-lossWeight').inputValue()).toBe('0.3');
      expect(await page.getByTestId('param-loss').inputValue()).toBe('categoricalCrossentropy');
    }
    await screenshot('aux-output-inspector');
    // The main output keeps weight 1.
    await ed.focus('output');
    await ed.select('output');
    await expect.poll(() => page.getByTestId('inspector-name').inputValue()).toBe('output');
    expect(await page.getByTestId('param-lossWeight').inputValue()).toBe('1');

    await page.getByTestId('tab-summary').click();
    const endpoints = page.getByTestId('summary-endpoints');
    await endpoints.waitFor();
    expect(await endpoints.innerText()).toMatch(/Inputs: 1 · outputs: 3/);
    expect(await page.getByTestId('summary-output-aux1_output').innerText()).toMatch(/aux1_output 1000 · categoricalCrossentropy × 0\.3/);
    expect(await page.getByTestId('summary-output-output').innerText()).toMatch(/× 1$/);
    await screenshot('summary');
  }, 120_000);

  test('trains a small two-head design on the embedded dataset: both outputs\' losses show beside the total', async ({ page, screenshot }) => {
    const ed = editor(page);
    const tp = trainingPanel(page);
    await ed.load(twoHeadCnn({ auxWeight: 0.3 }));
    await tp.open();
    await page.getByTestId('train-fit-ok').waitFor({ timeout: 30_000 });
    await tp.setField('train-epochs', '1');
    await tp.setField('train-batch', '128');
    await tp.start();
    await tp.waitPhase(/running/, 60_000);
    await tp.tab('curves');
    const table = page.getByTestId('train-output-losses');
    await table.waitFor({ timeout: 60_000 });
    await tp.waitPhase(/completed/, 120_000);
    // A finished run opens its results: back to the curves.
    await tp.tab('curves');
    await table.waitFor();
    // The table's numbers: last batch, epoch and validation loss of each output.
    const row = async (name: string) => (await page.getByTestId(`train-output-${name}`).innerText()).split(/\s+/);
    for (const name of ['output', 'aux_output']) {
      const [label, ...values] = await row(name);
      expect(label).toBe(name);
      expect(values.map(Number).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    }
    await screenshot('two-head-curves');
    await page.getByTestId('toggle-theme').click();
    await screenshot('two-head-curves-other-theme');
    await page.getByTestId('toggle-theme').click();

    // The run's events: every batch carries both losses, and the total is their weighted sum.
    const runs = await hostCall<{ runs: Array<{ runId: string; startedAt: string }> }>(page, 'trainingRuns');
    const newest = [...runs.runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
    type Batch = { type: string; loss?: number[]; outputLosses?: Record<string, number[]> };
    const run = await hostCall<{ events: Batch[] }>(page, 'trainingRunGet', { runId: newest.runId });
    const batches = run.events.filter((e) => e.type === 'batch');
    const steps = batches.flatMap((b) => b.loss!.map((l, i) => [l, b.outputLosses!.output[i], b.outputLosses!.aux_output[i]]));
    expect(steps.length).toBe(Math.ceil(9000 / 128));
    for (const [total, main, aux] of steps) expect(total).toBeCloseTo(main + 0.3 * aux, 4);
    expect(run.events.some((e) => e.type === 'log' && /all 2 outputs learn it/.test((e as unknown as { message: string }).message))).toBe(true);
  }, 180_000);
});
