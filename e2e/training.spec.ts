/**
 * The training panel through the visible UI, with real worker processes and real tfjs training on the embedded
 * Fashion-MNIST subset: train fashion-cnn for one epoch and read the results; pause, resume, stop and start
 * another; overlay two runs; kill the worker mid-run and train again; reload while a run is live.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { describeE2E, test } from './fixtures';
import { hostCall } from './helpers/app-page';
import { editor } from './helpers/canvas';
import { trainingPanel } from './helpers/training-panel';

type RunEvents = { events: Array<{ type: string; loss?: Array<number | null> }> };

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describeE2E('training panel', () => {
  test('trains fashion-cnn for one epoch on the embedded dataset: curves fall, results and confusion matrix show', async ({ page, screenshot }) => {
    const ed = editor(page);
    const tp = trainingPanel(page);
    await ed.loadTemplate('fashion-cnn');
    await ed.settled();
    await tp.open();
    // The embedded dataset is the default: its preview has a row of samples per class and fits the design.
    await page.getByTestId('train-preview').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('train-preview-class').count()).toBe(10);
    await page.getByTestId('train-fit-ok').waitFor();
    await tp.setField('train-epochs', '1');
    await tp.setField('train-batch', '64');
    expect(((await ed.document()) as unknown as { training: { epochs: number; batchSize: number } }).training).toMatchObject({ epochs: 1, batchSize: 64 });
    await screenshot('setup');

    await tp.start();
    await tp.waitPhase(/running/, 60_000);
    const early = await tp.waitPoints(5);
    const later = await tp.waitPoints(early + 40);
    expect(later).toBeGreaterThan(early);
    await screenshot('curves-live');
    await tp.waitPhase(/completed/);
    await page.getByTestId('train-test-accuracy').waitFor();
    const acc = Number(/([\d.]+)%/.exec(await page.getByTestId('train-test-accuracy').innerText())![1]);
    expect(acc).toBeGreaterThan(60);
    expect(await page.locator('[data-testid^="cm-"]').count()).toBe(100);
    await page.getByTestId('train-worst').waitFor();
    expect(await page.getByTestId('train-worst').getByTestId('train-sample').count()).toBeGreaterThan(0);
    await page.getByTestId('cm-6-0').click();
    await page.getByTestId('train-cell-samples').waitFor();
    await screenshot('results');

    // The loss fell over the epoch: every batch point is in the run's events log.
    const runs = await hostCall<{ runs: Array<{ runId: string; status: string }> }>(page, 'trainingRuns');
    const run = await hostCall<RunEvents>(page, 'trainingRunGet', { runId: runs.runs[0].runId });
    const losses = run.events.flatMap((e) => (e.type === 'batch' ? (e.loss as number[]) : []));
    expect(losses.length).toBe(Math.ceil(9000 / 64));
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)) * 0.7);

    await tp.tab('curves');
    await page.getByTestId('toggle-theme').click();
    await screenshot('curves-other-theme');
    await tp.tab('results');
    await page.getByTestId('train-worst').waitFor();
    await screenshot('results-other-theme');
    await page.getByTestId('toggle-theme').click();
  }, 180_000);

  test('distills a second fashion-cnn from the first run: the teacher picked in the settings, both accuracies kept', async ({ page, screenshot }) => {
    const ed = editor(page);
    const tp = trainingPanel(page);
    await tp.prepare('fashion-cnn', { 'train-epochs': '1', 'train-batch': '64' });
    // The first test's run is in the history: pick it as the teacher.
    const teacher = page.getByTestId('train-teacher');
    await expect.poll(() => teacher.locator('option').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    await teacher.selectOption({ index: 1 });
    await tp.setField('train-kd-temperature', '2');
    await tp.setField('train-kd-alpha', '0.5');
    const doc = (await ed.document()) as unknown as { training: { distillation?: { teacher: string; temperature: number; alpha: number } } };
    expect(doc.training.distillation).toMatchObject({ temperature: 2, alpha: 0.5 });
    await screenshot('distillation-setup');
    await tp.start();
    await tp.waitPhase(/completed/, 150_000);
    const runs = await hostCall<{ runs: Array<{ runId: string; startedAt: string }> }>(page, 'trainingRuns');
    const newest = [...runs.runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
    const run = await hostCall<{ record: { distillation?: { teacher: string; teacherTestAccuracy: number; studentTestAccuracy: number } } }>(page, 'trainingRunGet', { runId: newest.runId });
    expect(run.record.distillation?.teacher).toBe(doc.training.distillation!.teacher);
    expect(run.record.distillation?.teacherTestAccuracy).toBeGreaterThan(0.6);
    expect(run.record.distillation?.studentTestAccuracy).toBeGreaterThan(0.5);
  }, 180_000);

  test('pauses and resumes, stops midway and starts another run; overlays two runs; exports, resumes and reopens runs', async ({ page, app, screenshot }) => {
    const tp = trainingPanel(page);
    await tp.prepare('fashion-cnn', { 'train-epochs': '3', 'train-batch': '64' });
    await tp.start();
    await tp.waitPhase(/running/, 60_000);
    await tp.waitPoints(10);
    await page.getByTestId('train-pause').click();
    await tp.waitPhase(/paused/);
    const paused = await tp.points();
    await page.waitForTimeout(1500);
    expect(await tp.points()).toBe(paused);
    await screenshot('paused');
    await page.getByTestId('train-resume').click();
    await tp.waitPhase(/running/);
    await tp.waitPoints(paused + 10);

    await tp.stop();
    // Another run right away (stopped too, once its curve has points: the history then holds both).
    await tp.start();
    await tp.waitPhase(/running/, 60_000);
    await tp.waitPoints(5);
    await tp.stop();

    await tp.tab('history');
    await expect.poll(() => page.getByTestId('train-run-row').count()).toBeGreaterThanOrEqual(2);
    const statuses = await page.getByTestId('train-run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses.filter((st) => st === 'stopped').length).toBeGreaterThanOrEqual(2);
    const picks = page.getByTestId('train-run-pick');
    await picks.nth(0).check();
    await picks.nth(1).check();
    await page.getByTestId('train-overlay-button').click();
    await page.getByTestId('overlay-loss').locator('canvas').first().waitFor();
    // One legend entry per run, plus the x axis.
    expect(await page.getByTestId('overlay-loss').locator('.u-series').count()).toBe(3);
    await screenshot('history-overlay');

    // Export a run's trained model through the path prompt (relative paths land in the documents folder).
    const completed = page.locator('[data-testid="train-run-row"][data-status="completed"]').first();
    await completed.getByTestId('train-run-export').click();
    await page.getByTestId('prompt-input').fill('exported-run-model');
    await page.getByTestId('prompt-confirm').click();
    await expect.poll(() => existsSync(join(app.docsDir, 'exported-run-model', 'model.json'))).toBe(true);
    const modelJson = JSON.parse(readFileSync(join(app.docsDir, 'exported-run-model', 'model.json'), 'utf8'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);

    // Resume the completed run from its last checkpoint: it continues at the next epoch.
    await completed.getByTestId('train-run-resume').click();
    await tp.waitPhase(/running/, 60_000);
    await expect.poll(() => page.getByTestId('train-progress').innerText(), { timeout: 30_000 }).toMatch(/epoch 2\/2/);
    await tp.stop();

    // Open a run's design snapshot as a (new, unsaved) design.
    await tp.tab('history');
    await page.getByTestId('train-run-row').first().getByTestId('train-run-open').click();
    await expect.poll(() => page.getByTestId('doc-name').innerText()).toMatch(/\(run /);
  }, 240_000);

  test('bad data and a killed worker show the error with its cause; training again works', async ({ page, screenshot }) => {
    const ed = editor(page);
    const tp = trainingPanel(page);
    await ed.loadTemplate('fashion-cnn');
    await ed.settled();
    await tp.open();
    // A dataset folder that does not exist: the preview says so, and so does a run started anyway.
    await page.getByTestId('train-dataset-kind').selectOption('idx');
    await page.getByTestId('prompt-input').fill('no-such-folder');
    await page.getByTestId('prompt-confirm').click();
    await expect.poll(() => page.getByTestId('train-dataset-error').innerText().catch(() => '')).toMatch(/no-such-folder does not exist/);
    await tp.start();
    await page.getByTestId('train-error').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('train-error').innerText()).resolves.toMatch(/dataset could not be loaded[\s\S]*no-such-folder does not exist/);
    await screenshot('bad-data');
    await tp.tab('setup');
    await page.getByTestId('train-dataset-kind').selectOption('default');
    await page.getByTestId('train-fit-ok').waitFor();
    await tp.setField('train-epochs', '1');
    await tp.start();
    await tp.waitPhase(/running/, 60_000);
    await tp.waitPoints(3);
    const { workerPid } = await tp.status();
    expect(workerPid).toBeGreaterThan(0);
    process.kill(workerPid!, 'SIGKILL');
    await page.getByTestId('train-error').waitFor({ timeout: 20_000 });
    await expect(page.getByTestId('train-error').innerText()).resolves.toMatch(/killed[\s\S]*SIGKILL/);
    expect(await tp.phase()).toMatch(/error/);
    await screenshot('worker-killed');

    // The killed run stays in the history, marked failed with the cause.
    const { runs } = await hostCall<{ runs: Array<{ status: string; error: string | null }> }>(page, 'trainingRuns');
    expect(runs[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/SIGKILL/) });

    await tp.start();
    await tp.waitPhase(/running/, 60_000);
    expect(await page.getByTestId('train-error').count()).toBe(0);
    const before = await tp.waitPoints(3);
    await tp.waitPoints(before + 10);
    await tp.stop();
  }, 180_000);

  test('a reload re-attaches to the running worker; editing during a run is flagged and does not touch it', async ({ page, screenshot }) => {
    const tp = trainingPanel(page);
    await tp.prepare('fashion-cnn', { 'train-epochs': '1' });
    await tp.start();
    await tp.waitPhase(/running/, 60_000);
    await tp.waitPoints(5);
    await page.reload();
    await page.waitForFunction(() => Boolean((globalThis as unknown as { __layerloom?: unknown }).__layerloom));
    await page.getByTestId('training-panel').waitFor();
    await tp.waitPhase(/running|completed/);
    const replayed = await tp.points();
    expect(replayed).toBeGreaterThan(0);
    // After the reload the editor shows another design than the run's: the panel says so.
    await page.getByTestId('train-design-changed').waitFor();
    await screenshot('reattached');
    // The re-attached panel still controls the run.
    await tp.stop();
  }, 180_000);
});
