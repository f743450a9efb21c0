/**
 * Annotations through the visible UI: a frame drawn around selected blocks and titled, a note beside a block, the
 * frame dragged with its blocks (one undo step), colour, resize and delete; a version 1 file loads (migrated)
 * and a design with annotations round-trips; light and dark screenshots.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { describeE2E, test } from './fixtures';
import { editor, type DocView } from './helpers/canvas';

type Annotation = { id: string; kind: string; text: string; color: string; position: { x: number; y: number }; size: { width: number; height: number } };
const annotations = (doc: DocView) => (doc.annotations ?? []) as Annotation[];
type Globals = { document: { documentElement: { dataset: { theme?: string } } } };

/** A version 1 design (no annotations field): Input -> Conv2D -> MaxPool2D -> Flatten -> Dense -> Output. */
const V1 = {
  format: 'layerloom.design',
  version: 1,
  name: 'Annotated',
  nodes: ['Input', 'Conv2D', 'MaxPool2D', 'Flatten', 'Dense', 'Output'].map((type, i) => ({
    id: type.toLowerCase(),
    type,
    name: type.toLowerCase(),
    params: type === 'Input' ? { shape: [28, 28, 1] } : type === 'Dense' ? { units: 10 } : {},
    position: { x: 0, y: i * 150 },
  })),
  edges: ['input', 'conv2d', 'maxpool2d', 'flatten', 'dense'].map((s, i, all) => ({
    id: `e${i}`,
    source: { node: s, port: 'out' },
    target: { node: [...all.slice(1), 'output'][i], port: 'in' },
  })),
};

/** Waits until a note's or frame's text field has the focus (a new annotation opens it). */
async function editing(page: Page) {
  await page.locator('[data-testid^="annotation-edit-"]:focus').waitFor();
}

async function setTheme(page: Page, theme: 'dark' | 'light') {
  if ((await page.evaluate(() => (globalThis as unknown as Globals).document.documentElement.dataset.theme)) !== theme) await page.getByTestId('toggle-theme').click();
}

describeE2E('annotations', () => {
  test('frame around blocks, a note, drag the frame with its blocks, colour, resize, delete', async ({ page, screenshot }) => {
    const ed = editor(page);
    await ed.load(V1);
    expect((await ed.document()).version).toBe(2);
    expect(annotations(await ed.document())).toEqual([]);

    // Select Conv2D and MaxPool2D, add a frame: it is drawn around them and its title is ready to type.
    await ed.select('conv2d');
    await ed.node('maxpool2d').locator('.ll-node__name').click({ modifiers: ['Control'] });
    await page.getByTestId('add-frame').click();
    await editing(page);
    await page.keyboard.type('Feature extractor');
    await page.keyboard.press('Enter');
    let doc = await ed.document();
    const [frame] = annotations(doc);
    expect(frame).toMatchObject({ kind: 'frame', text: 'Feature extractor' });
    for (const id of ['conv2d', 'maxpool2d']) {
      const p = doc.nodes.find((n) => n.id === id)!.position;
      expect(p.x).toBeGreaterThan(frame.position.x);
      expect(p.y).toBeGreaterThan(frame.position.y);
      expect(p.y).toBeLessThan(frame.position.y + frame.size.height);
    }
    expect(doc.nodes.find((n) => n.id === 'dense')!.position.y).toBeGreaterThan(frame.position.y + frame.size.height);
    await expect.poll(() => page.getByTestId(`frame-${frame.id}`).innerText()).toContain('Feature extractor');

    // A note beside Dense, typed right away (Shift+N), with a line break.
    await ed.select('dense');
    await page.keyboard.press('Shift+N');
    await editing(page);
    await page.keyboard.type('10 classes');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('softmax in the loss');
    await page.keyboard.press('Enter');
    doc = await ed.document();
    const note = annotations(doc).find((a) => a.kind === 'note')!;
    expect(note.text).toBe('10 classes\nsoftmax in the loss');
    await ed.settled();
    await screenshot('frame-and-note');

    // Drag the frame by its title: the blocks inside move with it, the others stay; one undo step puts all back.
    const before = await ed.document();
    const title = page.getByTestId(`frame-${frame.id}`).locator('.ll-frame__title');
    const box = (await title.boundingBox())!;
    const convBefore = (await ed.node('conv2d').boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, box.y + box.height / 2 + 10, { steps: 8 });
    await page.mouse.move(box.x + 220, box.y + box.height / 2 + 20, { steps: 8 });
    // While dragging, the blocks inside already follow the frame on screen.
    expect((await ed.node('conv2d').boundingBox())!.x).toBeGreaterThan(convBefore.x + 150);
    await page.mouse.up();
    doc = await ed.document();
    const moved = annotations(doc).find((a) => a.id === frame.id)!;
    const dx = moved.position.x - frame.position.x;
    const dy = moved.position.y - frame.position.y;
    expect(dx).toBeGreaterThan(50);
    const pos = (d: DocView, id: string) => d.nodes.find((n) => n.id === id)!.position;
    for (const id of ['conv2d', 'maxpool2d']) expect(pos(doc, id)).toEqual({ x: pos(before, id).x + dx, y: pos(before, id).y + dy });
    for (const id of ['input', 'flatten', 'dense']) expect(pos(doc, id)).toEqual(pos(before, id));
    await ed.settled();
    await screenshot('frame-dragged');
    await page.keyboard.press('Control+z');
    doc = await ed.document();
    expect(annotations(doc).find((a) => a.id === frame.id)!.position).toEqual(frame.position);
    for (const id of ['conv2d', 'maxpool2d']) expect(pos(doc, id)).toEqual(pos(before, id));

    // Colour and resize the note.
    await page.getByTestId(`note-${note.id}`).click();
    await page.getByTestId('annotation-color-pink').click();
    expect(annotations(await ed.document()).find((a) => a.id === note.id)!.color).toBe('pink');
    // The note's text is not scrolled away by the swatches below it.
    const noteBox = (await page.getByTestId(`note-${note.id}`).boundingBox())!;
    const textBox = (await page.getByTestId(`note-${note.id}`).locator('.ll-note__text').boundingBox())!;
    expect(textBox.y).toBeGreaterThanOrEqual(noteBox.y);
    const handle = page.locator(`.react-flow__node[data-id="${note.id}"] .react-flow__resize-control.handle.top.right`); // the bottom corner may lie under the minimap
    const h = (await handle.boundingBox())!;
    await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(h.x + 60, h.y - 40, { steps: 6 });
    await page.mouse.up();
    const resized = annotations(await ed.document()).find((a) => a.id === note.id)!;
    expect(resized.size.width).toBeGreaterThan(note.size.width);
    expect(resized.size.height).toBeGreaterThan(note.size.height);
    await screenshot('note-pink-resized');

    // The design with its annotations round-trips through the document loader.
    const saved = await ed.document();
    await ed.load(saved);
    expect(annotations(await ed.document())).toEqual(annotations(saved));
    await page.getByTestId(`frame-${frame.id}`).waitFor();

    // Delete removes a selected note (one step).
    await page.getByTestId(`note-${note.id}`).click();
    await page.keyboard.press('Delete');
    expect(annotations(await ed.document()).map((a) => a.id)).toEqual([frame.id]);
    await page.keyboard.press('Control+z');
    expect(annotations(await ed.document()).map((a) => a.id)).toEqual([frame.id, note.id]);

    for (const theme of ['dark', 'light'] as const) {
      await setTheme(page, theme);
      await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
      await ed.settled();
      await screenshot(`annotations-${theme}`);
    }
  });
});
