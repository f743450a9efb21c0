/**
 * Accessibility: axe-core (node_modules/axe-core) on the editor's main views in both themes, failing on serious or
 * critical violations with each rule id and the elements it names (dialogs included: Export, a file-name prompt);
 * and a keyboard-only walk that reaches the top bar, the palette, the canvas and the inspector with a visible focus
 * indicator on every stop.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { describeE2E, test } from './fixtures';
import { editor } from './helpers/canvas';

/** axe's source, evaluated in the page (a script tag would be refused by the app's CSP, which is right). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe violation as the spec reports it. */
interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; summary: string }[];
}

type AxeGlobals = {
  axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> };
  document: { documentElement: { dataset: { theme?: string } } };
};

/** Runs axe on the page (injecting it once) and returns the serious and critical violations. */
async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const { violations } = await (globalThis as unknown as AxeGlobals).axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary ?? '' })) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Readable report: rule, impact, help, then up to 8 targets each. */
function report(view: string, violations: Violation[]): string {
  return violations
    .map((v) => `${view}: ${v.id} (${v.impact}) ${v.help}\n${v.nodes.slice(0, 8).map((n) => `    ${n.target.join(' ')} — ${n.summary.split('\n').slice(1, 2).join('').trim()}`).join('\n')}${v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : ''}`)
    .join('\n');
}

async function setTheme(page: Page, theme: 'dark' | 'light') {
  if ((await page.evaluate(() => (globalThis as unknown as AxeGlobals).document.documentElement.dataset.theme)) !== theme) await page.getByTestId('toggle-theme').click();
}

describeE2E('accessibility', () => {
  test('axe finds no serious or critical violations on the main views, light and dark', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('resnet18');
    await ed.settled();
    const views: [string, () => Promise<void>, () => Promise<void>][] = [
      ['editor with a template', async () => {}, async () => {}],
      // Selected through the hook: other views (the inspect panel) may leave the canvas zoomed out, where nodes have no text to click.
      ['inspector with a layer selected', async () => page.evaluate((id) => (globalThis as unknown as { __layerloom: { select(ids: string[]): void } }).__layerloom.select([id]), (await ed.document()).nodes[1].id), async () => {}],
      ['code panel', async () => page.getByTestId('toggle-code').click(), async () => page.getByTestId('toggle-code').click()],
      ['training drawer', async () => page.getByTestId('toggle-training').click(), async () => page.getByTestId('toggle-training').click()],
      ['template gallery', async () => page.getByTestId('open-gallery').click(), async () => page.keyboard.press('Escape')],
      ['shortcuts sheet', async () => page.getByTestId('shortcuts').click(), async () => page.keyboard.press('Escape')],
      ['problems tab', async () => page.getByTestId('tab-diagnostics').click(), async () => page.getByTestId('tab-inspector').click()],
      ['summary tab', async () => page.getByTestId('tab-summary').click(), async () => page.getByTestId('tab-inspector').click()],
      ['file menu', async () => page.getByTestId('file-menu').click(), async () => page.keyboard.press('Escape')],
      ['inspect panel', async () => page.getByTestId('toggle-inspect').click(), async () => page.getByTestId('toggle-inspect').click()],
      ['export dialog', async () => { await page.getByTestId('file-menu').click(); await page.getByTestId('menu-export').click(); }, async () => page.keyboard.press('Escape')],
      ['save-as prompt', async () => { await page.getByTestId('file-menu').click(); await page.getByTestId('menu-save-as').click(); }, async () => page.getByTestId('prompt-input').press('Escape')],
      ['quick add', async () => { await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } }); await page.keyboard.press('/'); }, async () => page.keyboard.press('Escape')],
    ];
    const problems: string[] = [];
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      for (const [name, open, close] of views) {
        await open();
        await page.waitForTimeout(400);
        const found = await seriousViolations(page);
        if (theme === 'dark') await screenshot(`${name}-${theme}`); // the light ones look as in the other specs
        if (found.length) problems.push(report(`${name} (${theme})`, found));
        await close();
        await page.waitForTimeout(200);
      }
    }
    if (problems.length) console.log(problems.join('\n'));
    expect(problems).toEqual([]);
  });
});

/** Where the focused element is and whether its focus is visible (an outline or a ring drawn with box-shadow). */
type FocusGlobals = {
  document: { activeElement: FocusEl | null };
  getComputedStyle(el: FocusEl): { outlineStyle: string; outlineWidth: string; boxShadow: string; strokeWidth: string };
};
type FocusEl = {
  closest(s: string): FocusEl | null;
  querySelector(s: string): FocusEl | null;
  tagName: string;
  getAttribute(n: string): string | null;
  firstElementChild: FocusEl | null;
  parentElement: FocusEl | null;
};

function focusState(page: Page) {
  return page.evaluate(() => {
    const g = globalThis as unknown as FocusGlobals;
    const el = g.document.activeElement;
    if (!el || el.tagName === 'BODY') return null;
    const region = el.closest('.ll-topbar') ? 'top bar' : el.closest('.ll-palette') ? 'palette' : el.closest('.ll-canvas') ? 'canvas' : el.closest('.ll-right') ? 'inspector' : 'other';
    // A canvas node draws its ring on its box (the wrapper's first child), the palette's search field on its frame
    // (the parent), a wire by thickening its path.
    const ringed = [el, el.firstElementChild, el.parentElement].filter((e): e is FocusEl => !!e).some((e) => {
      const cs = g.getComputedStyle(e);
      return (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1) || cs.boxShadow.includes('px');
    });
    const path = el.querySelector('.react-flow__edge-path');
    const thickWire = !!path && parseFloat(g.getComputedStyle(path).strokeWidth) >= 3;
    return { region, ringed: ringed || thickWire, name: el.getAttribute('aria-label') ?? el.getAttribute('data-testid') ?? el.tagName };
  });
}

describeE2E('keyboard only', () => {
  test('Tab reaches the top bar, the palette, the canvas and the inspector, with a visible focus ring at every stop', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('lenet5');
    await ed.settled();
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    const reached = new Set<string>();
    const unringed: string[] = [];
    for (let i = 0; i < 250 && reached.size < 4; i++) {
      await page.keyboard.press('Tab');
      const f = await focusState(page);
      if (!f) continue;
      if (f.region !== 'other' && !reached.has(f.region)) {
        reached.add(f.region);
        await screenshot(`focus-${f.region.replace(' ', '-')}`);
      }
      if (!f.ringed) unringed.push(`${f.region}: ${f.name}`);
    }
    expect([...reached].sort()).toEqual(['canvas', 'inspector', 'palette', 'top bar']);
    expect(unringed).toEqual([]);
  });

  test('a dialog or menu opened from the keyboard holds the focus, closes on Escape and gives the focus back', async ({ page }) => {
    const inDialog = () => page.evaluate(() => !!(globalThis as unknown as FocusGlobals).document.activeElement?.closest('[role="dialog"]'));
    const focusedTestId = () => page.evaluate(() => (globalThis as unknown as FocusGlobals).document.activeElement?.getAttribute('data-testid') ?? null);
    for (const [opener, dialog] of [['shortcuts', 'Keyboard shortcuts'], ['open-gallery', 'Templates']] as const) {
      await page.getByTestId(opener).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('dialog', { name: dialog }).waitFor();
      expect(await inDialog()).toBe(true);
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
        expect(await inDialog()).toBe(true);
      }
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog').count()).resolves.toBe(0);
      expect(await focusedTestId()).toBe(opener);
    }
    // The File menu: Enter opens it on its first item, the arrows move, Escape closes it back onto its button.
    await page.getByTestId('file-menu').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('menu').count()).resolves.toBe(1);
    expect(await focusedTestId()).toBe('menu-new');
    await page.keyboard.press('ArrowDown');
    expect(await focusedTestId()).toBe('menu-open');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await focusedTestId()).not.toBe('menu-new'); // wrapped round to the last item
    await page.keyboard.press('Escape');
    await expect(page.getByRole('menu').count()).resolves.toBe(0);
    expect(await focusedTestId()).toBe('file-menu');
  });
});
