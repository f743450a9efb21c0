import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import lenet from '../../../../templates/lenet5.json';
import resnet50 from '../../../../templates/resnet50.json';
import { analyzeDesign, parseDocument } from '../../engine';
import { useEditor } from '../../store';
import { sameCode, startCodeRunner } from './code-runner';
import { useCodePanel } from './code-store';
import { generateCodeTab } from './generate';
import type { CodeRequest } from './protocol';

/** A Worker double that answers with the real generator, asynchronously, and counts requests. */
class FakeWorker {
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: { message: string }) => void) | null = null;
  requests: CodeRequest[] = [];
  postMessage(req: CodeRequest) {
    this.requests.push(structuredClone(req));
    const data = structuredClone(generateCodeTab(req, (d) => analyzeDesign(d)));
    setTimeout(() => this.onmessage?.({ data }), 0);
  }
  terminate() {}
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const doc = () => useEditor.getState().doc;

describe('the code runner', () => {
  let worker: FakeWorker;
  let stop: () => void;
  beforeEach(() => {
    useEditor.getState().loadDocument(parseDocument(lenet));
    useCodePanel.setState({ open: false, tab: 'ts', result: null });
    worker = new FakeWorker();
    stop = startCodeRunner(() => worker as unknown as Worker);
  });
  afterEach(() => stop());

  it('generates nothing while the panel is closed, then the open tab', async () => {
    await tick();
    expect(worker.requests).toHaveLength(0);
    useCodePanel.getState().setOpen(true);
    await tick();
    expect(worker.requests.map((r) => r.tab)).toEqual(['ts']);
    const result = useCodePanel.getState().result;
    expect(result?.kind).toBe('code');
    expect(result?.kind === 'code' && result.text).toContain('tf.layers.conv2d');
  });

  it('sends nothing for moves (a drag), and the latest document after a burst of edits', async () => {
    useCodePanel.getState().setOpen(true);
    await tick();
    const conv = doc().nodes.find((n) => n.type === 'Conv2D')!;
    for (let i = 0; i < 20; i++) useEditor.getState().dispatch({ kind: 'moveNodes', moves: [{ nodeId: conv.id, position: { x: i * 10, y: i } }] });
    await tick();
    expect(worker.requests).toHaveLength(1);
    // Five edits while one request is in flight: one more request, with the last edit's document.
    for (const filters of [7, 8, 9, 10, 11]) useEditor.getState().dispatch({ kind: 'setParams', nodeId: conv.id, params: { filters } });
    await tick();
    await tick();
    expect(worker.requests.length).toBeLessThanOrEqual(3);
    const last = worker.requests.at(-1)!;
    expect(last.doc.nodes.find((n) => n.id === conv.id)!.params.filters).toBe(11);
    const result = useCodePanel.getState().result;
    expect(result?.kind === 'code' && result.text).toMatch(/filters: 11,/);
  });

  it('a tab switch asks for that tab', async () => {
    useCodePanel.getState().setOpen(true);
    await tick();
    useCodePanel.getState().setTab('pytorch');
    await tick();
    expect(worker.requests.at(-1)!.tab).toBe('pytorch');
    const result = useCodePanel.getState().result;
    expect(result?.kind === 'code' && result.text).toContain('nn.Module');
  });
});

describe('sameCode', () => {
  it('ignores positions, not params, names or wires', () => {
    const a = parseDocument(lenet);
    const moved = { ...a, nodes: a.nodes.map((n) => ({ ...n, position: { x: n.position.x + 5, y: 0 } })) };
    expect(sameCode(a, moved)).toBe(true);
    expect(sameCode(a, { ...a, nodes: a.nodes.map((n, i) => (i === 1 ? { ...n, params: { ...n.params } } : n)) })).toBe(false);
    expect(sameCode(a, { ...a, nodes: a.nodes.map((n, i) => (i === 1 ? { ...n, name: 'x' } : n)) })).toBe(false);
    expect(sameCode(a, { ...a, edges: a.edges.slice(1) })).toBe(false);
    expect(sameCode(a, { ...a, name: 'other' })).toBe(false);
  });
});

describe('generateCodeTab', () => {
  const analyze = (d: Parameters<typeof analyzeDesign>[0]) => analyzeDesign(d);
  it('folds composite lines onto the collapsed composite', () => {
    const resnet = parseDocument(resnet50);
    const r = generateCodeTab({ seq: 1, tab: 'ts', doc: resnet }, analyze);
    expect(r.kind).toBe('code');
    if (r.kind !== 'code') return;
    const ids = new Set(resnet.nodes.map((n) => n.id));
    for (const id of Object.keys(r.sourceMap)) expect(ids.has(id), id).toBe(true);
    const composite = resnet.nodes.find((n) => /Residual|Bottleneck/.test(n.type))!;
    expect(r.sourceMap[composite.id].length).toBeGreaterThan(0);
  });

  it('explains an invalid design instead of code', () => {
    const a = parseDocument(lenet);
    const broken = { ...a, edges: a.edges.slice(1) };
    const r = generateCodeTab({ seq: 2, tab: 'keras', doc: broken }, analyze);
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.message).toMatch(/^No code while the design has errors: /);
  });

  it('train.py is the same script for every design', () => {
    const r = generateCodeTab({ seq: 3, tab: 'train', doc: parseDocument(lenet) }, analyze);
    expect(r.kind === 'code' && r.text).toContain('import model as exported');
    expect(r.kind === 'code' && r.sourceMap).toEqual({});
  });
});
