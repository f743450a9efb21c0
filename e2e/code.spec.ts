/**
 * The code panel through the UI: VGG-16 from the gallery, its TypeScript and PyTorch code, graph <-> code
 * linking both ways, code following an edit, and screenshots in both themes.
 */
import { expect } from 'vitest';
import { generateCode } from '../engine/codegen';
import { parseDocument } from '../engine/schema/load';
import { describeE2E, test } from './fixtures';
import { editor } from './helpers/canvas';
import { codePanel } from './helpers/code-panel';

describeE2E('code panel', () => {
  test('VGG-16: TypeScript and PyTorch code, linked to the graph both ways, following edits', async ({ page, screenshot }) => {
    const ed = editor(page);
    const code = codePanel(page);
    // Offline and under the app's CSP: Monaco, its language chunks and its worker all come from the app itself.
    const requests: string[] = [];
    const complaints: string[] = [];
    const workers: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('worker', (w) => workers.push(w.url()));
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && complaints.push(m.text()));
    await ed.loadTemplate('vgg16');
    await ed.settled();
    await code.open();
    await page.locator('[data-testid="code-body"][data-code-tab="ts"]').waitFor();
    const origin = new URL(page.url()).origin;
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    // Monaco starts its editor worker only when a feature needs one; start it as Monaco would and see it load.
    await page.evaluate(() => {
      const env = (globalThis as unknown as { MonacoEnvironment: { getWorker(id: string, label: string): unknown } }).MonacoEnvironment;
      (globalThis as unknown as { __editorWorker: unknown }).__editorWorker = env.getWorker('e2e', 'editorWorkerService');
    });
    await page.waitForTimeout(500);
    expect(workers.some((u) => u.startsWith(origin) && /\/assets\/editor\.worker-[\w-]+\.js$/.test(u)), workers.join(', ')).toBe(true);
    expect(requests.some((u) => /\/assets\/monaco-setup-[\w-]+\.js$/.test(u))).toBe(true);

    // TypeScript by default, with every conv layer of the design.
    const doc = await ed.document();
    const convs = doc.nodes.filter((n) => n.type === 'Conv2D');
    expect(convs.length).toBe(13);
    const ts = await code.text();
    expect(ts).toContain("import * as tf from '@tensorflow/tfjs';");
    expect(ts.match(/tf\.layers\.conv2d\(/g)?.length).toBe(13);
    expect(await code.visibleText()).toContain('tf.layers');

    // Select a node on the canvas: its lines are highlighted and scrolled into view.
    const conv = convs[5];
    await ed.focus(conv.id);
    await page.waitForTimeout(400); // Monaco's smooth reveal
    expect(await code.highlightedCount()).toBeGreaterThan(0);
    const lit = await code.highlightedText();
    expect(lit).toContain('tf.layers.conv2d');
    expect(lit).toContain(`name: "${conv.name}"`);

    // Click a line of another layer: that node is selected (and centred).
    const other = convs[6];
    await code.clickLine(`// ${other.name}`);
    await page.locator(`.react-flow__node.selected[data-id="${other.id}"]`).waitFor({ timeout: 5000 });
    expect(await page.locator('.react-flow__node.selected').count()).toBe(1);
    await page.waitForTimeout(500); // the pan animation
    const otherBox = (await page.locator(`.react-flow__node[data-id="${other.id}"]`).boundingBox())!;
    expect(otherBox.x + otherBox.width).toBeLessThan((await code.panel.boundingBox())!.x); // in view, not under the drawer
    // Keys typed in the code (focus is in Monaco) are the editor's: Delete and Ctrl+A do not touch the design.
    await page.keyboard.press('Delete');
    await page.keyboard.press('Control+a');
    expect((await ed.document()).nodes).toHaveLength(doc.nodes.length);

    // Change a parameter: the code follows.
    await ed.select(conv.id);
    await ed.setParam('filters', '77');
    await page.waitForFunction(
      (name) => ((globalThis as unknown as { __layerloomCode?: () => string }).__layerloomCode?.() ?? '').includes(`filters: 77`) && name !== '',
      conv.name,
      { timeout: 5000 },
    );
    // The panel applies only the changed span: the text must equal a fresh generation (same layers, one conv changed).
    const after = await code.text();
    expect(after).toMatch(/tf\.layers\.conv2d\(\{ filters: 77,/);
    expect(after.match(/tf\.layers\.conv2d\(/g)?.length).toBe(13);
    expect(after.match(/filters: 256,/g)?.length).toBe((ts.match(/filters: 256,/g)?.length ?? 0) - 1);
    expect(after.split('\n').length).toBe(ts.split('\n').length);
    expect(after).toBe(generateCode(parseDocument(await ed.document()), 'ts')[0].contents);

    // PyTorch: nn.Conv2d modules, and the selected node's lines (in __init__ and forward) highlighted.
    await code.tab('pytorch');
    const py = await code.text();
    expect(py).toMatch(/class VGG16\(nn.Module\):/i);
    expect(py.match(/nn\.Conv2d\(/g)?.length).toBe(13);
    expect(py).toContain('nn.Conv2d(256, 77,');
    await ed.focus(conv.id);
    await page.waitForTimeout(400);
    expect(await code.highlightedCount()).toBeGreaterThan(0);
    expect(await code.highlightedText()).toContain(conv.name);

    // train.py is the same for every design; Keras has its own tab.
    await code.tab('train');
    expect(await code.text()).toContain('DistributedDataParallel');
    await code.tab('keras');
    expect(await code.text()).toContain('layers.Conv2D(');

    // Monaco follows the app's theme, both ways.
    await code.tab('ts');
    await ed.focus(conv.id);
    type PageGlobals = { getComputedStyle(el: unknown): { backgroundColor: string }; document: { documentElement: { dataset: { theme?: string } } } };
    const editorBg = () => page.locator('.ll-code .monaco-editor-background').first().evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).backgroundColor);
    for (const theme of ['dark', 'light'] as const) {
      if ((await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.dataset.theme)) !== theme) await page.getByTestId('toggle-theme').click();
      await page.waitForTimeout(300);
      expect(await editorBg()).toBe(theme === 'dark' ? 'rgb(23, 24, 28)' : 'rgb(255, 255, 255)');
      await screenshot(`code-ts-selected-${theme}`);
    }
    expect(complaints.filter((c) => /Content.Security.Policy|Refused to|web worker|Could not create/i.test(c))).toEqual([]);
  });

  test('a target that cannot express the design lists the features with clickable nodes', async ({ page, screenshot }) => {
    const ed = editor(page);
    const code = codePanel(page);
    await ed.loadTemplate('lenet5');
    await ed.settled();
    // A BatchNormalization with only one of center/scale: PyTorch cannot express it.
    const doc = await ed.document();
    const dense = doc.nodes.find((n) => n.type === 'Dense')!;
    const out = doc.edges.find((e) => e.source.node === dense.id)!;
    await page.evaluate((edgeId) => {
      const hook = (globalThis as unknown as { __layerloom: { dispatch(c: unknown): boolean } }).__layerloom;
      hook.dispatch({ kind: 'insertOnEdge', edgeId, type: 'BatchNormalization', name: 'half_bn', params: { center: true, scale: false } });
    }, out.id);
    await ed.settled();
    await code.open();
    await page.getByTestId('code-tab-pytorch').click();
    await page.getByTestId('code-unsupported').waitFor();
    expect(await page.getByTestId('code-unsupported').innerText()).toMatch(/PyTorch[\s\S]*half_bn[\s\S]*center\/scale/);
    await screenshot('code-unsupported');
    // The drawer's edge drags to resize it.
    const before = (await code.panel.boundingBox())!;
    const edge = (await page.getByTestId('code-resize').boundingBox())!;
    await page.mouse.move(edge.x + edge.width / 2, edge.y + 200);
    await page.mouse.down();
    await page.mouse.move(edge.x - 120, edge.y + 200, { steps: 5 });
    await page.mouse.up();
    const after = (await code.panel.boundingBox())!;
    expect(after.width - before.width).toBeGreaterThan(100);
    expect(after.x + after.width).toBeCloseTo(before.x + before.width, 0);
    await page.getByTestId('code-unsupported-node').first().click();
    const bn = (await ed.document()).nodes.find((n) => n.name === 'half_bn')!;
    await page.locator(`.react-flow__node.selected[data-id="${bn.id}"]`).waitFor({ timeout: 5000 });
  });

  test('composite blocks: their lines select the block, or the inner layer once it is expanded in place', async ({ page, screenshot }) => {
    const ed = editor(page);
    const code = codePanel(page);
    await ed.loadTemplate('resnet50');
    await ed.settled();
    await code.open();
    const block = (await ed.document()).nodes.find((n) => n.type !== 'Input' && /Residual|Bottleneck/i.test(n.type))!;
    expect(block, 'a residual block').toBeDefined();

    // Collapsed: all its lines are the block's; a click on an inner layer's line selects the block.
    await ed.focus(block.id);
    await page.waitForTimeout(400);
    const lit = await code.highlightedText();
    expect(lit.match(/tf\.layers\.conv2d/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    // Select the layer just before it (its lines are next to the block's, so both stay in view), then click.
    const nodes = (await ed.document()).nodes;
    await ed.select(nodes[nodes.findIndex((n) => n.id === block.id) - 1].id);
    await code.clickLine(`${block.name}_1_conv`);
    await page.locator(`.react-flow__node.selected[data-id="${block.id}"]`).waitFor({ timeout: 5000 });

    // Expanded in place: the same line now brings the inner conv into view beside the drawer (inner layers are
    // read-only on the canvas, so their block is what is selected) and only that layer's lines are highlighted.
    await page.getByRole('button', { name: 'Expand block in place' }).click();
    await ed.settled();
    await page.waitForTimeout(500);
    await code.clickLine(`${block.name}_1_conv`);
    await page.waitForTimeout(600); // the pan animation
    await page.locator(`.react-flow__node.selected[data-id="${block.id}"]`).waitFor({ timeout: 5000 });
    const innerNode = page.locator(`.react-flow__node[data-id^="${block.id}/"]`, { hasText: '1_conv' }).first();
    const box = (await innerNode.boundingBox())!;
    const drawer = (await code.panel.boundingBox())!;
    expect(box.x + box.width / 2).toBeLessThan(drawer.x);
    expect(box.x).toBeGreaterThan(0);
    const innerLit = await code.highlightedText();
    expect(innerLit).toContain(`${block.name}_1_conv`);
    expect(innerLit).not.toContain(`${block.name}_2_conv`);
    await screenshot('code-expanded-inner');
  });
});
