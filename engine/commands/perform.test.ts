import { describe, expect, it } from 'vitest';
import { DesignBuilder } from '../build/design-builder';
import { DesignError } from '../errors';
import { DOCUMENT_VERSION, documentSchema, type DesignDocument } from '../schema/document';
import { performCommand, performCommands } from './perform';
import type { EditCommand } from './types';

/** A chain Input -> Conv2D -> Flatten -> Dense -> Output built by commands. */
function chain(): DesignDocument {
  const empty = documentSchema.parse({ format: 'layerloom.design', version: DOCUMENT_VERSION, nodes: [], edges: [] });
  const cmds: EditCommand[] = [
    { kind: 'addNode', id: 'in', type: 'Input', params: { shape: [28, 28, 1] }, position: { x: 0, y: 0 } },
    { kind: 'addNode', id: 'conv', type: 'Conv2D', params: { filters: 8 }, position: { x: 0, y: 100 } },
    { kind: 'addNode', id: 'flat', type: 'Flatten', position: { x: 0, y: 200 } },
    { kind: 'addNode', id: 'fc', type: 'Dense', params: { units: 10 }, position: { x: 0, y: 300 } },
    { kind: 'addNode', id: 'out', type: 'Output', position: { x: 0, y: 400 } },
    { kind: 'connect', source: { node: 'in' }, target: { node: 'conv' } },
    { kind: 'connect', source: { node: 'conv' }, target: { node: 'flat' } },
    { kind: 'connect', source: { node: 'flat' }, target: { node: 'fc' } },
    { kind: 'connect', source: { node: 'fc' }, target: { node: 'out' } },
  ];
  return performCommands(empty, cmds);
}

describe('performCommand', () => {
  it('builds a valid document that passes the schema', () => {
    const doc = chain();
    expect(documentSchema.safeParse(doc).success).toBe(true);
    expect(doc.nodes.map((n) => n.name)).toEqual(['input', 'conv2d', 'flatten', 'dense', 'output']);
    expect(doc.edges).toHaveLength(4);
  });

  it('never mutates its input', () => {
    const doc = chain();
    const frozen = structuredClone(doc);
    const cmds: EditCommand[] = [
      { kind: 'setParams', nodeId: 'conv', params: { filters: 16 } },
      { kind: 'moveNodes', moves: [{ nodeId: 'conv', position: { x: 5, y: 5 } }] },
      { kind: 'insertOnEdge', edgeId: doc.edges[0].id, type: 'BatchNormalization' },
      { kind: 'removeNodes', nodeIds: ['flat'] },
      { kind: 'duplicateNodes', nodeIds: ['conv', 'flat'], offset: { x: 10, y: 10 } },
      { kind: 'retarget', inputShape: [32, 32, 3], classes: 5 },
      { kind: 'makeComposite', nodeIds: ['conv', 'flat'], name: 'Stem' },
    ];
    for (const c of cmds) performCommand(doc, c);
    expect(doc).toEqual(frozen);
  });

  it('refuses a cycle and names both nodes', () => {
    const doc = chain();
    expect(() => performCommand(doc, { kind: 'connect', source: { node: 'fc' }, target: { node: 'conv' } })).toThrow(/cycle.*dense.*conv2d|cycle/);
    try {
      performCommand(doc, { kind: 'connect', source: { node: 'fc' }, target: { node: 'conv' } });
    } catch (err) {
      expect(err).toBeInstanceOf(DesignError);
      expect((err as Error).message).toContain("'dense'");
      expect((err as Error).message).toContain("'conv2d'");
    }
  });

  it.each([
    [{ kind: 'connect', source: { node: 'conv' }, target: { node: 'conv' } }, /itself/],
    [{ kind: 'connect', source: { node: 'nope' }, target: { node: 'conv' } }, /no node with id 'nope'/],
    [{ kind: 'connect', source: { node: 'in' }, target: { node: 'conv' } }, /already connected/],
    [{ kind: 'renameNode', nodeId: 'conv', name: '  ' }, /name cannot be empty/],
    [{ kind: 'insertOnEdge', edgeId: 'missing', type: 'Flatten' }, /no edge/],
    [{ kind: 'retarget', inputShape: [0, 3] }, /positive integers/],
  ] as [EditCommand, RegExp][])('rejects %j', (cmd, message) => {
    expect(() => performCommand(chain(), cmd)).toThrow(message);
  });

  it('setParams merges and removes keys set to undefined', () => {
    const doc = performCommand(chain(), { kind: 'setParams', nodeId: 'conv', params: { kernelSize: [5, 5], filters: undefined } });
    expect(doc.nodes.find((n) => n.id === 'conv')!.params).toEqual({ kernelSize: [5, 5] });
  });

  it('removeNodeBridging removes a pass-through node and wires its neighbours, keeping the wire order', () => {
    const doc = chain();
    const frozen = structuredClone(doc);
    const next = performCommand(doc, { kind: 'removeNodeBridging', nodeId: 'flat' });
    expect(doc).toEqual(frozen);
    expect(next.nodes.map((n) => n.id)).toEqual(['in', 'conv', 'fc', 'out']);
    expect(next.edges.map((e) => [e.source.node, e.target.node])).toEqual([['in', 'conv'], ['conv', 'fc'], ['fc', 'out']]);
    expect(next.edges[1].id).toBe(doc.edges[2].id);
    expect(documentSchema.safeParse(next).success).toBe(true);
  });

  it('removeNodeBridging refuses a node without exactly one wire in and out, and a bridge canConnect refuses', () => {
    const doc = chain();
    expect(() => performCommand(doc, { kind: 'removeNodeBridging', nodeId: 'in' })).toThrow(/'input'.*0 incoming and 1 outgoing/);
    // in -> conv -> add, and in -> add: bridging over conv would wire 'input' into 'add' twice.
    const merge = performCommands(doc, [
      { kind: 'removeNodes', nodeIds: ['flat', 'fc', 'out'] },
      { kind: 'addNode', id: 'add', type: 'Add', position: { x: 0, y: 200 } },
      { kind: 'connect', source: { node: 'conv' }, target: { node: 'add' } },
      { kind: 'connect', source: { node: 'in' }, target: { node: 'add' } },
    ]);
    expect(() => performCommand(merge, { kind: 'removeNodeBridging', nodeId: 'conv' })).toThrow(DesignError);
    expect(() => performCommand(merge, { kind: 'removeNodeBridging', nodeId: 'conv' })).toThrow(/cannot reconnect around 'conv2d': 'input' is already connected to 'add'/);
  });

  it('insertOnEdge splits the edge and keeps its place in the edge order', () => {
    const doc = chain();
    const edge = doc.edges[1];
    const next = performCommand(doc, { kind: 'insertOnEdge', edgeId: edge.id, type: 'MaxPool2D', params: { poolSize: [2, 2] } });
    const pool = next.nodes.find((n) => n.type === 'MaxPool2D')!;
    expect(next.edges).toHaveLength(5);
    expect(next.edges[1]).toMatchObject({ source: { node: 'conv' }, target: { node: pool.id, port: 'in' } });
    expect(next.edges[2]).toMatchObject({ source: { node: pool.id, port: 'out' }, target: { node: 'flat' } });
    expect(pool.position.y).toBe(150);
  });

  it('insertOnEdge takes a given id and position, and refuses an id in use', () => {
    const doc = chain();
    const next = performCommand(doc, { kind: 'insertOnEdge', edgeId: doc.edges[0].id, type: 'Dropout', id: 'drop', position: { x: 7, y: 8 } });
    expect(next.nodes.at(-1)).toMatchObject({ id: 'drop', type: 'Dropout', position: { x: 7, y: 8 } });
    expect(() => performCommand(doc, { kind: 'insertOnEdge', edgeId: doc.edges[0].id, type: 'Dropout', id: 'conv' })).toThrow(/'conv' already exists/);
  });

  it('duplicateNodes copies nodes and the edges among them with fresh ids and names', () => {
    const next = performCommand(chain(), { kind: 'duplicateNodes', nodeIds: ['conv', 'flat'], offset: { x: 40, y: 0 } });
    expect(next.nodes).toHaveLength(7);
    const ids = new Set(next.nodes.map((n) => n.id));
    const names = new Set(next.nodes.map((n) => n.name));
    expect(ids.size).toBe(7);
    expect(names.size).toBe(7);
    const copyEdge = next.edges[next.edges.length - 1];
    expect(copyEdge.source.node).not.toBe('conv');
    expect(next.nodes.find((n) => n.id === copyEdge.source.node)!.type).toBe('Conv2D');
    expect(next.nodes.find((n) => n.id === copyEdge.target.node)!.type).toBe('Flatten');
  });

  it('makeComposite moves the selection into a linked definition and rewires its edges', () => {
    const next = performCommand(chain(), { kind: 'makeComposite', nodeIds: ['conv', 'flat'], name: 'Stem' });
    expect(next.composites).toHaveLength(1);
    const def = next.composites[0];
    expect(def.nodes.map((n) => n.id)).toEqual(['conv', 'flat']);
    expect(def.edges).toHaveLength(1);
    expect(def.inputs).toEqual([{ name: 'in', node: 'conv', port: 'in' }]);
    expect(def.output).toEqual({ name: 'out', node: 'flat', port: 'out' });
    const block = next.nodes.find((n) => n.type === 'Composite')!;
    expect(block.params).toEqual({ definition: def.id });
    expect(next.edges.find((e) => e.target.node === block.id)!.source.node).toBe('in');
    expect(next.edges.find((e) => e.source.node === block.id)!.target.node).toBe('fc');
    expect(documentSchema.safeParse(next).success).toBe(true);
  });

  it('makeComposite refuses a selection with two outputs', () => {
    let doc = chain();
    doc = performCommand(doc, { kind: 'addNode', id: 'side', type: 'Flatten', position: { x: 0, y: 0 } });
    doc = performCommand(doc, { kind: 'connect', source: { node: 'conv' }, target: { node: 'side' } });
    expect(() => performCommand(doc, { kind: 'makeComposite', nodeIds: ['conv', 'flat'], name: 'x' })).toThrow(/2 outputs/);
  });

  it('retarget sets the Input shape and the units of the Dense feeding Output', () => {
    let doc = chain();
    doc = performCommand(doc, { kind: 'insertOnEdge', edgeId: doc.edges[3].id, type: 'Activation', params: { activation: 'softmax' } });
    const next = performCommand(doc, { kind: 'retarget', inputShape: [32, 32, 3], classes: 100 });
    expect(next.nodes.find((n) => n.id === 'in')!.params.shape).toEqual([32, 32, 3]);
    expect(next.nodes.find((n) => n.id === 'fc')!.params.units).toBe(100);
  });
});

describe('setTraining', () => {
  const doc = new DesignBuilder('t').build();
  it('merges a patch (nested objects too) and validates the whole', () => {
    const next = performCommand(doc, { kind: 'setTraining', training: { batchSize: 32, optimizer: { learningRate: 0.01 } as never } });
    expect(next.training.batchSize).toBe(32);
    expect(next.training.optimizer).toEqual({ ...doc.training.optimizer, learningRate: 0.01 });
    expect(doc.training.batchSize).not.toBe(32);
  });
  it('refuses a bad value naming its field, leaving the document as it was', () => {
    expect(() => performCommand(doc, { kind: 'setTraining', training: { validationSplit: 2 } })).toThrow(/^training\.validationSplit: /);
    expect(() => performCommand(doc, { kind: 'setTraining', training: { optimizer: { learningRate: -1 } as never } })).toThrow(/training\.optimizer\.learningRate/);
  });
});
