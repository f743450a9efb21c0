/**
 * The interface in Simplified Chinese, as a user gets it: switch the language in the top bar, then build a
 * design, meet a shape error and fix it, read a block's explanation, open the training and code panels and the
 * template gallery, all in Chinese, with no raw translation key and no English interface string from the language
 * files left on screen; switch back to English; a reload keeps the choice; a Chinese browser starts in Chinese.
 * The inspect panel's receptive field and "why it works" views and a refused wire's toast in Chinese.
 * Screenshots of the Chinese interface in light and dark themes. Model files the importer refuses, refused in Chinese.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { DesignBuilder } from '../engine/build/design-builder';
import { ROOT } from '../scripts/build-app';
import { describeE2E, test } from './fixtures';
import { waitForApp } from './helpers/app-page';
import { editor } from './helpers/canvas';

type Tree = { [k: string]: string | Tree };
const localeFile = (lang: string): Tree => JSON.parse(readFileSync(join(ROOT, 'renderer', 'src', 'i18n', 'locales', lang, 'ui.json'), 'utf8'));

function leaves(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : leaves(v, `${prefix}${k}.`)));
}

const en = new Map(leaves(localeFile('en')));
const zh = new Map(leaves(localeFile('zh-CN')));
/** Every interface key, as it would show if a lookup failed (e.g. `topbar.templates`). */
const RAW_KEYS = [...en.keys()].map((k) => k.replace(/_(one|other)$/, ''));
/**
 * English interface strings that must not survive a switch to Chinese: the language files' English texts of two
 * words or more without placeholders, whose Chinese differs (single words like "MACs" may be the same in both).
 */
const ENGLISH_UI = [...en].filter(([k, v]) => !/\{\{|</.test(v) && v.trim().split(/\s+/).length >= 2 && zh.get(k) !== v).map(([, v]) => v);

/** Fails naming what leaked: a raw key or an English string from the language files in the visible page text. */
async function expectAllChinese(page: Page, where: string): Promise<void> {
  const text = await page.locator('body').innerText();
  const raw = RAW_KEYS.filter((k) => text.includes(k));
  expect(raw, `${where}: raw translation keys on screen`).toEqual([]);
  const english = ENGLISH_UI.filter((s) => text.includes(s));
  expect(english, `${where}: English interface strings on screen`).toEqual([]);
  expect(text, where).toMatch(/[\u4e00-\u9fff]/);
}

/** The page's `<html lang>` (evaluated in the page; the e2e project has no DOM types). */
const htmlLang = () => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang;

async function switchTo(page: Page, lang: 'en' | 'zh-CN'): Promise<void> {
  await page.getByTestId('language-select').selectOption(lang);
  await page.waitForFunction((l) => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang === l, lang);
}

describeE2E('interface languages', () => {
  test('switch to Chinese in the top bar; build, fix, explain, train, code, shortcuts and templates in Chinese; back to English', async ({ page, screenshot }) => {
    const ed = editor(page);
    await expect(page.getByTestId('open-gallery').innerText()).resolves.toContain('Templates');
    await switchTo(page, 'zh-CN');
    await expect(page.getByTestId('open-gallery').innerText()).resolves.toContain('模板');
    await expect(page.getByTestId('palette-search').getAttribute('placeholder')).resolves.toBe('搜索块');
    await expectAllChinese(page, 'empty editor');

    // Build Input -> Conv2D -> Dense -> Output from the palette: Dense gets an image and needs Flatten.
    const ids: string[] = [];
    for (const [i, type] of ['Input', 'Conv2D', 'Dense', 'Output'].entries()) ids.push(await ed.dropBlock(type, { x: 420, y: 40 + i * 140 }));
    for (let i = 0; i + 1 < ids.length; i++) await ed.connect(ids[i], ids[i + 1]);
    await ed.settled();
    await page.getByTestId('tab-diagnostics').click();
    const diag = page.locator('[data-testid="diagnostic"][data-code="needs-flatten"]');
    await expect(diag.innerText()).resolves.toContain('Dense 需要向量输入');
    await expect(diag.getByTestId('apply-fix').first().innerText()).resolves.toContain('在它前面插入 Flatten');
    await expectAllChinese(page, 'shape error');
    await screenshot('zh-shape-error');
    await diag.getByTestId('apply-fix').first().click();
    await ed.settled();
    expect((await ed.analysis()).valid).toBe(true);
    await expect(page.locator('.ll-status__pill').innerText()).resolves.toBe('有效');

    await page.getByTestId('auto-layout').click();
    // The convolution's inspector: Chinese labels, explanation and formulas.
    await ed.select(ids[1]);
    await page.getByTestId('tab-inspector').click();
    await page.getByTestId('block-explain-formulas').click();
    const explain = await page.getByTestId('block-explain').innerText();
    expect(explain).toContain('卷积核');
    expect(explain).toContain('感受野');
    expect(await page.getByTestId('inspector').innerText()).toContain('卷积核大小');
    await expectAllChinese(page, 'inspector');
    await screenshot('zh-light');
    await page.getByTestId('toggle-theme').click();
    await screenshot('zh-dark');
    await page.getByTestId('toggle-theme').click();

    // Training panel, code panel, template gallery.
    await page.getByTestId('toggle-training').click();
    await page.getByTestId('training-panel').waitFor();
    await expectAllChinese(page, 'training panel');
    await screenshot('zh-training');
    await page.getByTestId('toggle-training').click();
    await page.getByTestId('toggle-code').click();
    await page.getByTestId('code-panel').locator('.view-lines .view-line').first().waitFor({ timeout: 20_000 });
    await expectAllChinese(page, 'code panel');
    await screenshot('zh-code');
    await page.getByTestId('toggle-code').click();
    await page.getByTestId('shortcuts').click();
    const sheet = page.getByRole('dialog', { name: '键盘快捷键' });
    await expect(sheet.innerText()).resolves.toContain('在选中内容之后快速添加一个块');
    await expectAllChinese(page, 'shortcuts');
    await sheet.getByRole('button', { name: '关闭' }).click();
    await page.getByTestId('open-gallery').click();
    const gallery = page.getByTestId('gallery');
    await expect(gallery.innerText()).resolves.toContain('从模板开始');
    await expect(page.getByTestId('template-lenet5').innerText()).resolves.toContain('经典的手写数字识别网络');
    await expectAllChinese(page, 'template gallery');
    await screenshot('zh-gallery');
    await gallery.getByRole('button', { name: '关闭' }).click();

    // Back to English, at once and without a reload.
    await switchTo(page, 'en');
    await expect(page.getByTestId('open-gallery').innerText()).resolves.toContain('Templates');
    await page.getByTestId('tab-diagnostics').click();
    await expect(page.locator('.ll-allclear').innerText()).resolves.toContain('No problems');
    // Only the language switch names Chinese in Chinese.
    expect((await page.locator('body').innerText()).replace('简体中文', '')).not.toMatch(/[\u4e00-\u9fff]/);
  });

  test('in Chinese: the inspect panel (receptive field, why it works) and the toast of a refused wire', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('fashion-cnn');
    await ed.settled();
    const doc = await ed.document();
    const id = (name: string) => doc.nodes.find((n) => n.name === name)!.id;
    await switchTo(page, 'zh-CN');
    await page.getByTestId('toggle-inspect').click();
    await page.getByTestId('inspect-panel').waitFor();
    await page.waitForTimeout(400); // the canvas re-fits into the part the drawer leaves visible
    const facts = page.getByTestId('inspect-field-facts');
    await page.getByTestId(`node-${id('conv2')}`).hover();
    await expect.poll(() => facts.innerText()).toMatch(/28×28 输入中的 8×8 像素/);
    expect(await facts.innerText()).toMatch(/11×11 中的第 \d+ 行、第 \d+ 列/);
    await expectAllChinese(page, 'inspect: receptive field');
    await screenshot('zh-inspect-field');
    await page.getByTestId('inspect-tab-why').click();
    const why = page.getByTestId('inspect-why');
    await expect.poll(() => why.innerText()).toMatch(/conv2 的每个单元只看到 28×28 输入中的 8×8 像素/);
    expect(await why.locator('thead').innerText()).toMatch(/阶段[\s\S]*乘加次数/);
    expect(await why.locator('tbody tr').last().innerText()).toContain('头部');
    await expectAllChinese(page, 'inspect: why it works');
    await page.getByTestId('toggle-theme').click();
    await screenshot('zh-inspect-why-dark');
    await page.getByTestId('toggle-theme').click();
    await page.getByTestId('inspect-panel').getByLabel('关闭透视面板').click();

    // A wire back from conv2 to conv1 would close a cycle: refused, the reason in Chinese.
    await ed.connect(id('conv2'), id('conv1'));
    await expect(page.getByTestId('toast').innerText()).resolves.toContain('会形成环：“conv1”已经流向“conv2”');
    await expectAllChinese(page, 'refused wire');
    await screenshot('zh-refused-wire');
    expect((await ed.document()).edges).toHaveLength(doc.edges.length);
  });

  test('a reload keeps the chosen language', async ({ page }) => {
    await switchTo(page, 'zh-CN');
    await page.reload();
    await waitForApp(page);
    expect(await page.evaluate(htmlLang)).toBe('zh-CN');
    await expect(page.getByTestId('open-gallery').innerText()).resolves.toContain('模板');
    await expect(page.getByTestId('language-select').inputValue()).resolves.toBe('zh-CN');
    await switchTo(page, 'en');
    await page.reload();
    await waitForApp(page);
    await expect(page.getByTestId('open-gallery').innerText()).resolves.toContain('Templates');
  });

  test('a browser set to Chinese starts in Chinese; one set to English in English', async ({ browser, app }) => {
    for (const [locale, label] of [['zh-CN', '模板'], ['en-US', 'Templates']] as const) {
      const context = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(app.url);
      await waitForApp(page);
      await expect(page.getByTestId('open-gallery').innerText()).resolves.toContain(label);
      await context.close();
    }
  });

  test('in Chinese: search candidates refused by a constraint and by the memory budget, a training and an export refused by the budget', async ({ page, screenshot }) => {
    // The budget is read by the workers (forked from this process, none started yet in this file) and the host.
    const previous = process.env.LAYERLOOM_MEMORY_BUDGET;
    process.env.LAYERLOOM_MEMORY_BUDGET = '512KB';
    try {
      const ed = editor(page);
      await ed.loadTemplate('fashion-cnn');
      await ed.settled();
      await switchTo(page, 'zh-CN');
      for (const [node, values] of [['conv1', '8, 16'], ['conv2', '16, 128']] as const) {
        await ed.select(node);
        await page.getByTestId('search-toggle-filters').check();
        await page.getByTestId('search-values-filters').fill(values);
        await page.getByTestId('search-values-filters').press('Enter');
        await page.getByTestId(`search-badge-${node}`).waitFor();
      }
      // A value the block refuses: the inspector names it, in Chinese (the schema's own message translated too).
      const values = page.getByTestId('search-values-filters');
      await values.fill('16, -2');
      await values.press('Enter');
      const invalid = await page.getByTestId('search-field-filters').getByRole('alert').innerText();
      expect(invalid).toMatch(/^“-2”：-2 不是 Conv2D 的有效 filters：/);
      expectNoEnglish(invalid.replace(/\b(Conv2D|filters)\b/g, ''), 'search values');
      await values.fill('16, 128');
      await values.press('Enter');
      await page.getByTestId('toggle-training').click();
      await page.getByTestId('train-tab-search').click();
      for (const [id, value] of [['search-budget', '3'], ['search-batches', '10'], ['search-maxMacs', '2000000']]) {
        await page.getByTestId(id).fill(value);
        await page.getByTestId(id).blur();
      }
      await page.getByTestId('search-start').click();
      await expect.poll(async () => page.getByTestId('search-phase').textContent(), { timeout: 60_000, interval: 200 }).toBe('已完成');
      // Every candidate refused before training: the widest by the MACs limit, the others by the memory budget.
      const reasons = await page.locator('[data-testid^="search-rejected-"]').allInnerTexts();
      expect(reasons).toHaveLength(3);
      expect(reasons.some((r) => /乘加运算 [\d,]+ 次 > 2,000,000/.test(r)), reasons.join('\n')).toBe(true);
      expect(reasons.some((r) => /以批大小 \d+ 训练约需 [\d.]+ [KMG]B（[\d,]+ 个参数.*超过了 512\.0 KB 的内存预算（LAYERLOOM_MEMORY_BUDGET=512KB）/.test(r)), reasons.join('\n')).toBe(true);
      for (const r of reasons) expectNoEnglish(r, 'search refusal');
      await expectAllChinese(page, 'search refusals');
      await screenshot('zh-search-refused');

      // Training the design itself: refused by the budget before anything is built, in Chinese.
      await page.getByTestId('train-tab-setup').click();
      await page.getByTestId('train-start').click();
      const failure = page.getByTestId('train-error');
      await failure.waitFor({ timeout: 60_000 });
      const message = await failure.locator('strong + div').innerText();
      expect(message).toMatch(/^设计以批大小 \d+ 训练约需 [\d.]+ [KMG]B/);
      expectNoEnglish(message, 'training refusal');
      // No "at design" line under it: the message names the design already.
      expectNoEnglish((await failure.innerText()).replace(/LAYERLOOM_MEMORY_BUDGET\S*/g, ''), 'training refusal box');
      await expectAllChinese(page, 'training refusal');
      await page.getByTestId('toggle-theme').click();
      await screenshot('zh-training-refused-dark');
      await page.getByTestId('toggle-theme').click();

      // A tfjs export carries weights: refused by the budget, the dialog says why in Chinese.
      await page.getByTestId('file-menu').click();
      await page.getByTestId('menu-export').click();
      await page.getByTestId('export-format-tfjs').check();
      await page.getByTestId('export-path').fill('fashion-tfjs');
      await page.getByTestId('export-confirm').click();
      const exportError = await page.getByTestId('export-error').innerText();
      expect(exportError).toMatch(/^设计导出为 tfjs 约需 [\d.]+ [KMG]B/);
      expectNoEnglish(exportError, 'export refusal');
      await screenshot('zh-export-refused');
      // A path outside the folder LayerLoom works in: refused by the host's path guard, in Chinese too.
      await page.getByTestId('export-format-ts').check();
      await page.getByTestId('export-path').fill('/etc/fashion.ts');
      await page.getByTestId('export-confirm').click();
      await expect.poll(() => page.getByTestId('export-error').innerText()).toMatch(/^\/etc\/fashion\.ts：不在 LayerLoom 的工作文件夹内（.+）；请在那里打开和保存文件$/);
      await page.keyboard.press('Escape');
    } finally {
      if (previous === undefined) delete process.env.LAYERLOOM_MEMORY_BUDGET;
      else process.env.LAYERLOOM_MEMORY_BUDGET = previous;
    }
  }, 120_000);
});

describeE2E('interface languages: model import and code export', () => {
  test('in Chinese: a model file with a layer LayerLoom cannot import, and one whose layer has a bad size, are refused in Chinese (the open design stays); a design file with a bad field and a code export Keras cannot express too', async ({ page, app, screenshot }) => {
    const ed = editor(page);
    await ed.loadTemplate('lenet5');
    await ed.settled();
    const before = await ed.document();
    await switchTo(page, 'zh-CN');
    // A real tfjs Layers model (Keras VGG16 base + 3 dense layers), one layer changed to a class LayerLoom has no block for.
    const real = readFileSync(join(ROOT, 'engine', 'import', 'fixtures', 'vgg16-finetuned-8-classes.tfjs-layers-model.json'), 'utf8');
    const broken = (change: (layer: { class_name: string; config: Record<string, unknown> }) => void) => {
      const json = JSON.parse(real);
      change(json.modelTopology.model_config.config.layers.find((l: { name: string }) => l.name === 'block2_conv1'));
      return JSON.stringify(json);
    };
    writeFileSync(join(app.docsDir, 'vgg-lstm.json'), broken((l) => (l.class_name = 'LSTM')));
    writeFileSync(join(app.docsDir, 'vgg-kernel.json'), broken((l) => (l.config.kernel_size = [0, 3])));
    const importFile = async (file: string) => {
      await page.getByTestId('file-menu').click();
      await page.getByTestId('menu-import-model').click();
      await page.getByTestId('prompt-input').fill(file);
      await page.getByTestId('prompt-confirm').click();
      await expect.poll(() => page.getByTestId('toast').innerText()).toContain(file);
      // The screenshot after the toast's entrance animation has finished (the page's own animations, no fixed wait).
      await page.getByTestId('toast').evaluate((el) => Promise.all((el as unknown as { getAnimations(o: object): { finished: Promise<unknown> }[] }).getAnimations({ subtree: true }).map((a) => a.finished)));
      return page.getByTestId('toast').innerText();
    };

    const unsupported = await importFile('vgg-lstm.json');
    expect(unsupported).toMatch(/^无法导入模型：\/\S*vgg-lstm\.json：层“block2_conv1”的类型为 LSTM，LayerLoom 无法导入（支持的类型：InputLayer, Conv2D, .*）$/);
    // Besides the file's path, the layer's name and the class names (identifiers), nothing is English.
    expectNoEnglish(unsupported.replace(/\/\S*?\.json/, '').replace(/（支持的类型：.*）/, '').replace(/\b(block2_conv1|LSTM|LayerLoom)\b/g, ''), 'unsupported layer');
    await screenshot('zh-import-unsupported-layer');
    expect(await ed.document()).toEqual(before);

    const badSize = await importFile('vgg-kernel.json');
    expect(badSize).toMatch(/^无法导入模型：\/\S*vgg-kernel\.json：无法导入：.*block2_conv1/);
    expectNoEnglish(badSize.replace(/\/\S*?\.json/, '').replace(/params\.\S*?(?=：)/, '').replace(/\b(block2_conv1|Conv2D|kernelSize|LayerLoom)\b/g, ''), 'bad kernel size');
    await screenshot('zh-import-bad-layer');
    expect(await ed.document()).toEqual(before);

    // A design file with a field of the wrong type: File ▸ Open names the field and says what is wrong, in Chinese.
    const bad = JSON.parse(JSON.stringify(before));
    bad.nodes[1].position.x = 'left';
    writeFileSync(join(app.docsDir, 'bad-field.layerloom.json'), JSON.stringify(bad));
    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-open').click();
    await page.getByTestId('prompt-input').fill('bad-field.layerloom.json');
    await page.getByTestId('prompt-confirm').click();
    await expect.poll(() => page.getByTestId('toast').innerText()).toBe('无法打开设计：nodes[1].position.x：类型不对：应为数字，实际为字符串');
    await screenshot('zh-open-bad-field');
    expect(await ed.document()).toEqual(before);

    // A code export Keras cannot express (two LayerLoom custom layers): the dialog lists both, in Chinese.
    const b = new DesignBuilder('custom layers');
    b.output(b.add('DynamicConv2D', { filters: 4 }, b.add('DeformableConv2D', { filters: 4, kernelSize: [3, 3], padding: 'same' }, b.input([16, 16, 3]), 'dcn'), 'dyn'));
    await ed.load(b.build());
    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-export').click();
    await page.getByTestId('export-format-keras').check();
    await page.getByTestId('export-path').fill('custom.py');
    await page.getByTestId('export-confirm').click();
    await expect.poll(() => page.getByTestId('export-error').innerText()).toMatch(/^\/\S*custom\.py：无法导出为 keras：此设计有 2 处特性无法表达：\n\s*- dcn：DeformableConv2D 无法导出为 Keras：.*\n\s*- dyn：DynamicConv2D 无法导出为 Keras：/);
    const exportError = await page.getByTestId('export-error').innerText();
    expectNoEnglish(exportError.replace(/\/\S*?\.py/, '').replace(/\b(keras|Keras|PyTorch|DeformableConv2D|DynamicConv2D|torchvision\.ops\.DeformConv2d|LayerLoom|tfjs|dcn|dyn)\b/g, ''), 'code export refusal');
    await screenshot('zh-export-code-refused');
    await page.getByTestId('export-path').press('Escape');
    await page.getByTestId('export-dialog').waitFor({ state: 'detached' });
    // The same refusal in the dark theme (the dialog keeps the last format and path).
    await page.getByTestId('toggle-theme').click();
    await page.getByTestId('file-menu').click();
    await page.getByTestId('menu-export').click();
    await page.getByTestId('export-confirm').click();
    await expect.poll(() => page.getByTestId('export-error').innerText()).toBe(exportError);
    await screenshot('zh-export-code-refused-dark');
    await page.getByTestId('export-path').press('Escape');
    await page.getByTestId('export-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('toggle-theme').click();
  });
});

/** Fails when a message has English words left, besides the budget's variable and sizes (which stay as they are). */
function expectNoEnglish(text: string, where: string): void {
  const rest = text.replace(/LAYERLOOM_MEMORY_BUDGET(=\S+?(?=[）)]))?/g, '').replace(/\b\d+(\.\d+)?\s?[KMG]?B\b/g, '').replace(/\btfjs\b/g, '');
  expect(rest.match(/[A-Za-z]{2,}/g), `${where}: English left in ${JSON.stringify(text)}`).toBeNull();
  expect(text, where).toMatch(/[\u4e00-\u9fff]/);
  expect(text, where).not.toMatch(/\{\{|\}\}|error\.|diagnostics:/);
}
