/** Files through the host: save, reopen and get the identical document; autosave offers recovery after a reload. */
import { expect } from 'vitest';
import { describeE2E, test } from './fixtures';
import { editor } from './helpers/canvas';

describeE2E('files', () => {
  test('save as, reopen, and get the identical document', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('lenet5');
    await ed.settled();
    // An edit, so the saved file is not just the template.
    await ed.select((await ed.document()).nodes.find((n) => n.type === 'Conv2D')!.id);
    await ed.setParam('filters', '12');
    const saved = await ed.document();

    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-save-as').click();
    await page.getByTestId('prompt-input').fill('roundtrip.layerloom.json');
    await screenshot('save-prompt');
    await page.getByTestId('prompt-confirm').click();
    await expect(page.getByTestId('toast').innerText()).resolves.toMatch(/Saved .*roundtrip\.layerloom\.json/);
    await expect(page.locator('.ll-dirty').count()).resolves.toBe(0);

    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-new').click();
    expect((await ed.document()).nodes).toHaveLength(0);

    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-open').click();
    await page.getByTestId('prompt-input').fill('roundtrip.layerloom.json');
    await page.getByTestId('prompt-confirm').click();
    await page.waitForFunction(() => (globalThis as unknown as { __layerloom: { getDocument(): { nodes: unknown[] } } }).__layerloom.getDocument().nodes.length > 0);
    expect(await ed.document()).toEqual(saved);
    await ed.settled();
    await screenshot('reopened');
  });

  test('unsaved changes survive a reload through autosave', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.dropBlock('Input', { x: 400, y: 80 });
    await ed.dropBlock('Conv2D', { x: 400, y: 240 });
    const before = await ed.document();
    await page.waitForTimeout(2000); // the autosave delay
    await page.reload();
    await ed.ready();
    await page.getByTestId('recovery').waitFor();
    await screenshot('recovery-offered');
    await page.getByTestId('recovery').getByRole('button', { name: 'Restore' }).click();
    expect((await ed.document()).nodes).toEqual(before.nodes);
  });
});
