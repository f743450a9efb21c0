import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import resnet from '../../../templates/resnet50.json';
import lenet from '../../../templates/lenet5.json';
import { analyzeDesign, parseDocument, type DesignDocument, type EditCommand } from '../engine';
import { useEditor } from '../store';
import { editorView } from './delta';
import { SYNC_LIMIT, startAnalysis } from './runner';

/**
 * A Worker that runs analysis.worker.ts in this process, with messages structured-cloned both ways as a real
 * worker's are (so nothing can rely on object identity across the boundary), delivered asynchronously.
 */
const workerScope: { onmessage?: (e: { data: unknown }) => void; postMessage?: (m: unknown) => void } = {};
let posted = 0;
class InProcessWorker {
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor() {
    workerScope.postMessage = (m) => {
      const data = structuredClone(m);
      setTimeout(() => this.onmessage?.({ data }), 0);
    };
  }
  postMessage(m: unknown) {
    posted += 1;
    const data = structuredClone(m);
    setTimeout(() => workerScope.onmessage?.({ data }), 0);
  }
  terminate() {}
}

/** A chain of Dense layers just long enough to be analysed in the worker. */
function longChain(): DesignDocument {
  const nodes: unknown[] = [{ id: 'in', type: 'Input', name: 'in', params: { shape: [8] }, position: { x: 0, y: 0 } }];
  const edges: unknown[] = [];
  for (let i = 0; i <= SYNC_LIMIT; i++) {
    const prev = i === 0 ? 'in' : `d${i - 1}`;
    nodes.push({ id: `d${i}`, type: 'Dense', name: `d${i}`, params: { units: 8 }, position: { x: 0, y: i * 100 } });
    edges.push({ id: `e${i}`, source: { node: prev, port: 'out' }, target: { node: `d${i}`, port: 'in' } });
  }
  nodes.push({ id: 'out', type: 'Output', name: 'out', params: {}, position: { x: 0, y: 0 } });
  edges.push({ id: 'eo', source: { node: `d${SYNC_LIMIT}`, port: 'out' }, target: { node: 'out', port: 'in' } });
  return parseDocument({ format: 'layerloom.design', version: 1, name: 'chain', nodes, edges });
}

const analysed = () => useEditor.getState().analysis!;
const expected = () => editorView(analyzeDesign(useEditor.getState().doc));

async function edit(run: ReturnType<typeof startAnalysis>, cmd: EditCommand) {
  expect(useEditor.getState().dispatch(cmd)).toBe(true);
  await run.whenIdle();
}

describe('the analysis runner', () => {
  let run: ReturnType<typeof startAnalysis>;
  beforeAll(async () => {
    vi.stubGlobal('self', workerScope);
    vi.stubGlobal('Worker', InProcessWorker);
    await import('./analysis.worker');
    run = startAnalysis();
  });
  afterAll(() => {
    run.stop();
    vi.unstubAllGlobals();
  });

  it.each([
    ['on the main thread', () => parseDocument(lenet), 'c3', { filters: 32 }],
    ['in the worker', longChain, 'd100', { units: 4 }],
    ['on the main thread, with composites (ResNet-50)', () => parseDocument(resnet), 'conv1_conv', { filters: 32 }],
  ] as const)('keeps the store in step with the document %s', async (_where, make, nodeId, params) => {
    const sentBefore = posted;
    useEditor.getState().loadDocument(make());
    await run.whenIdle();
    expect(analysed()).toEqual(expected().analysis);
    const before = analysed();
    await edit(run, { kind: 'setParams', nodeId, params });
    expect(analysed()).toEqual(expected().analysis);
    expect(useEditor.getState().metricRange).toEqual(expected().metricRange);
    // Nodes upstream of the edit keep their analysis objects (memoized canvas nodes skip them).
    const upstream = useEditor.getState().doc.nodes[0].id;
    expect(analysed().nodes[upstream]).toBe(before.nodes[upstream]);
    await edit(run, { kind: 'removeNodes', nodeIds: [nodeId] });
    expect(analysed()).toEqual(expected().analysis);
    expect(Object.keys(analysed().nodes)).toEqual(Object.keys(expected().analysis.nodes));
    useEditor.getState().undo();
    await run.whenIdle();
    expect(analysed()).toEqual(expected().analysis);
    expect(posted > sentBefore).toBe(useEditor.getState().doc.nodes.length > SYNC_LIMIT);
  });

  it('switches between the main thread and the worker without mixing their results', async () => {
    for (const make of [longChain, () => parseDocument(lenet), longChain]) {
      useEditor.getState().loadDocument(make());
      await run.whenIdle();
      expect(analysed()).toEqual(expected().analysis);
      expect(useEditor.getState().analyzedDoc).toBe(useEditor.getState().doc);
    }
  });
});
