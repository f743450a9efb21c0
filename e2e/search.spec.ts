/**
 * Architecture search through the visible UI, with the real search worker and real (tiny) tfjs trainings on the
 * embedded Fashion-MNIST subset: mark two params of fashion-cnn searchable in the inspector, set a budget of 3 and a
 * MACs limit in the Search tab, start, watch the points and the Pareto front arrive, apply the best candidate to
 * the canvas and undo it; the search is kept and listed again after a reload.
 */
import { expect } from 'vitest';
import { describeE2E, test } from './fixtures';
import { hostCall } from './helpers/app-page';
import { editor } from './helpers/canvas';
import { trainingPanel } from './helpers/training-panel';

type Doc = { nodes: Array<{ id: string; params: Record<string, unknown> }>; search?: { params: Array<{ node: string; param: string; values: unknown[] }>; budget: number; batches: number; constraints: Record<string, number> } };

describeE2E('architecture search', () => {
  test('searches two widths of fashion-cnn, refuses what breaks the MACs limit, plots the front and applies the best', async ({ page, screenshot }) => {
    const ed = editor(page);
    const tp = trainingPanel(page);
    await ed.loadTemplate('fashion-cnn');
    await ed.settled();

    // Two params marked searchable in the inspector, each with its own values.
    for (const [node, values] of [['conv1', '8, 16'], ['conv2', '16, 128']] as const) {
      await ed.select(node);
      await page.getByTestId('search-toggle-filters').check();
      const input = page.getByTestId('search-values-filters');
      await input.fill(values);
      await input.press('Enter');
      await page.getByTestId(`search-badge-${node}`).waitFor();
    }
    await screenshot('inspector-search-toggles');

    await tp.open();
    await page.getByTestId('train-tab-search').click();
    for (const [id, value] of [['search-budget', '3'], ['search-batches', '10'], ['search-maxMacs', '2000000']]) {
      await page.getByTestId(id).fill(value);
      await page.getByTestId(id).blur();
    }
    const doc = (await ed.document()) as unknown as Doc;
    expect(doc.search).toMatchObject({
      params: [{ node: 'conv1', param: 'filters', values: [8, 16] }, { node: 'conv2', param: 'filters', values: [16, 128] }],
      budget: 3, batches: 10, constraints: { maxMacs: 2_000_000 },
    });
    expect(await page.getByTestId('search-params').innerText()).toMatch(/conv1\.filters\s+8, 16/);

    await page.getByTestId('search-start').click();
    const plot = page.getByTestId('search-plot');
    // Points arrive one by one as each candidate finishes.
    await expect.poll(async () => Number(await plot.getAttribute('data-points')), { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => page.getByTestId('search-phase').textContent(), { timeout: 60_000, interval: 200 }).toBe('completed');
    // Refused before training, with the reason: the widest conv2 with 16 filters in conv1 costs more than 2M MACs.
    const refused = page.locator('[data-testid^="search-rejected-"]');
    expect(await refused.count()).toBeGreaterThanOrEqual(1);
    expect(await refused.first().innerText()).toMatch(/refused: [\d,]+ MACs > 2,000,000/);
    const trained = await page.locator('tr[data-state="trained"]').count();
    expect(trained).toBe(3 - (await refused.count()));
    expect(Number(await plot.getAttribute('data-points'))).toBe(trained);
    const front = ((await plot.getAttribute('data-front')) ?? '').split(',').filter(Boolean);
    expect(front.length).toBeGreaterThanOrEqual(1);
    await screenshot('search-finished');

    // Apply the best candidate: the canvas takes its widths in one step, and undo restores the template's.
    const best = page.locator('tr:has(.ll-search__tag.is-best)');
    const bestId = (await best.getAttribute('data-testid'))!.replace('search-row-', '');
    await best.click();
    await page.getByTestId('search-details').waitFor();
    await screenshot('search-selected');
    await page.getByTestId('search-apply').click();
    const applied = (await ed.document()) as unknown as Doc;
    const filters = (d: Doc, id: string) => d.nodes.find((n) => n.id === id)!.params.filters;
    const result = await hostCall<{ searches: Array<{ searchId: string }> }>(page, 'searchList');
    const got = await hostCall<{ events: Array<{ type: string; candidates?: Array<{ id: string; choice: Record<string, number> }> }> }>(page, 'searchGet', { searchId: result.searches[0].searchId });
    const choice = got.events.find((e) => e.type === 'drawn')!.candidates!.find((c) => c.id === bestId)!.choice;
    expect(filters(applied, 'conv1')).toBe(choice['conv1.filters']);
    expect(filters(applied, 'conv2')).toBe(choice['conv2.filters']);
    await ed.settled();
    await page.getByTestId('undo').click();
    const undone = (await ed.document()) as unknown as Doc;
    expect([filters(undone, 'conv1'), filters(undone, 'conv2')]).toEqual([32, 64]);

    // Kept like runs: after a reload the search is listed and opens with its points.
    await page.reload();
    await ed.ready();
    await tp.open();
    await page.getByTestId('train-tab-search').click();
    const history = page.getByTestId('search-history');
    await expect.poll(() => history.locator('option').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await history.selectOption(result.searches[0].searchId);
    await expect.poll(async () => Number(await plot.getAttribute('data-points')), { timeout: 10_000 }).toBe(trained);
    await page.getByTestId('toggle-theme').click();
    await screenshot('search-reopened-other-theme');
    await page.getByTestId('toggle-theme').click();
    // In Chinese: the tab's own texts come from the search language file.
    await page.getByTestId('language-select').selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('search-phase').textContent()).toBe('已完成');
    expect(await page.getByTestId('search-apply').count() + (await page.getByText('开始搜索').count())).toBeGreaterThan(0);
    await page.getByTestId('language-select').selectOption('en');
  }, 120_000);
});
