/** Templates from the gallery: published parameter counts, and composite blocks collapsing and expanding in place. */
import { expect } from 'vitest';
import { describeE2E, test } from './fixtures';
import { editor } from './helpers/canvas';

describeE2E('templates and composite blocks', () => {
  test('the gallery shows every template; VGG-16 and ResNet-50 have their published parameter counts', async ({ page, screenshot }) => {
    const ed = editor(page);
    await page.getByTestId('open-gallery').click();
    await page.getByTestId('template-vgg16').waitFor();
    // Parameter counts fill in one template per tick.
    await expect.poll(() => page.getByTestId('gallery').innerText(), { timeout: 20_000 }).not.toContain('…');
    await expect(page.getByTestId('template-vgg16').innerText()).resolves.toContain('138M params');
    await screenshot('gallery');

    await page.getByTestId('template-vgg16').click();
    await ed.settled();
    expect(await ed.totalParams()).toBe('138,357,544');
    expect((await ed.analysis()).totals.params).toBe(138_357_544);
    await screenshot('vgg16');

    // Colour by parameters, in the other theme.
    const theme = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: { theme: string } } } }).document.documentElement.dataset.theme);
    await page.getByTestId('toggle-theme').click();
    await page.getByTestId('color-params').click();
    const other = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: { theme: string } } } }).document.documentElement.dataset.theme);
    expect(other).not.toBe(theme);
    await expect(page.locator('.ll-node.is-heat').count()).resolves.toBeGreaterThan(0);
    await screenshot(`vgg16-${other}-by-params`);
    await page.getByTestId('toggle-theme').click();
    await page.getByTestId('color-category').click();

    await ed.loadTemplate('resnet50');
    await ed.settled();
    expect(await ed.totalParams()).toBe('25,636,712');
    await page.getByTestId('tab-summary').click();
    await expect(page.getByTestId('total-params').innerText()).resolves.toBe('25,636,712');
    await screenshot('resnet50-summary');
  });

  test('a Residual block expands in place to its layers and collapses back', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('resnet50');
    await ed.settled();
    const block = 'conv2_block1';
    const below = (await ed.document()).nodes.find((n) => n.id === 'conv2_block2')!.position.y;

    await ed.focus(block);
    await ed.node(block).getByRole('button', { name: 'Expand' }).click();
    await ed.settled();
    const group = page.getByTestId(`group-${block}`);
    await group.waitFor();
    // Bottleneck with projection: 3 conv+BN(+ReLU) stages, the shortcut conv+BN, Add and the final ReLU.
    const inner = page.locator(`.react-flow__node-inner[data-id^="${block}/"]`);
    expect(await inner.count()).toBeGreaterThanOrEqual(10);
    await expect(inner.filter({ hasText: 'Add' }).count()).resolves.toBe(1);
    const expanded = await ed.document();
    expect(expanded.nodes.find((n) => n.id === block)!.collapsed).toBe(false);
    // Nodes below moved down to make room, and the model itself did not change.
    expect(expanded.nodes.find((n) => n.id === 'conv2_block2')!.position.y).toBeGreaterThan(below);
    expect(await ed.totalParams()).toBe('25,636,712');
    await page.waitForTimeout(400); // the focus animation
    await screenshot('residual-expanded');

    await group.getByRole('button', { name: 'Collapse' }).click();
    await ed.settled();
    const collapsed = await ed.document();
    expect(collapsed.nodes.find((n) => n.id === block)!.collapsed).toBe(true);
    expect(collapsed.nodes.find((n) => n.id === 'conv2_block2')!.position.y).toBe(below);
    expect(await page.locator(`.react-flow__node-inner`).count()).toBe(0);
    await screenshot('residual-collapsed');

    // Expanding is an undoable step like any other.
    await page.keyboard.press('Control+z');
    expect((await ed.document()).nodes.find((n) => n.id === block)!.collapsed).toBe(false);
  });
});
