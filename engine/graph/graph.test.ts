import { describe, expect, it } from 'vitest';
import { performCommand } from '../commands/perform';
import { DesignError } from '../errors';
import { parseDocument } from '../schema/load';
import { canConnect, createsCycle, defaultParams, emptyDocument, freshId, inputPorts } from './index';

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, name: id, params, position: { x: 0, y: 0 } });
const edge = (id: string, s: string, t: string) => ({ id, source: { node: s, port: 'out' }, target: { node: t, port: 'in' } });
const doc = parseDocument({
  format: 'layerloom.design',
  version: 1,
  nodes: [node('in', 'Input'), node('a', 'Conv2D'), node('b', 'Conv2D'), node('add', 'Add'), node('out', 'Output')],
  edges: [edge('e1', 'in', 'a'), edge('e2', 'a', 'b'), edge('e3', 'b', 'add')],
});

describe('canConnect', () => {
  it.each([
    ['self loop', { source: 'a', target: 'a' }, /cannot feed itself/],
    ['cycle', { source: 'b', target: 'a' }, /would create a cycle: 'a' already feeds 'b'/],
    ['from Output', { source: 'out', target: 'a' }, /has no outgoing port/],
    ['into Input', { source: 'a', target: 'in' }, /takes no incoming connection/],
    ['duplicate', { source: 'in', target: 'a' }, /already connected/],
    ['unknown input port', { source: 'a', target: 'b', targetHandle: 'nope' }, /has no input port 'nope' \(it has 'in'\)/],
    ['unknown output port', { source: 'a', sourceHandle: 'aux', target: 'add' }, /has no output port 'aux'/],
    ['missing node', { source: 'ghost', target: 'a' }, /both ends must be blocks/],
  ])('refuses a %s with the reason', (_what, attempt, reason) => {
    const verdict = canConnect(doc, attempt);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });

  it('replaces the wire of a taken single-input port, keeps wires of a variadic one', () => {
    expect(canConnect(doc, { source: 'in', target: 'b' })).toEqual({ ok: true, targetPort: 'in', replaces: ['e2'] });
    expect(canConnect(doc, { source: 'a', target: 'add' })).toEqual({ ok: true, targetPort: 'in', replaces: [] });
  });

  it('finds cycles downstream only', () => {
    expect(createsCycle(doc, 'add', 'in')).toBe(true);
    expect(createsCycle(doc, 'in', 'add')).toBe(false);
  });
});

describe('the connect command uses the same rule', () => {
  it('refuses an unknown port by name, leaving the document as it was', () => {
    let error: unknown;
    try {
      performCommand(doc, { kind: 'connect', source: { node: 'a' }, target: { node: 'add', port: 'side' } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DesignError);
    expect((error as Error).message).toBe("cannot connect 'a' to 'add': 'add' has no input port 'side' (it has 'in')");
    expect(doc.edges).toHaveLength(3);
  });

  it('connects a composite to its first named input when no port is given', () => {
    const withComposite = parseDocument({
      ...doc,
      nodes: [...doc.nodes, node('blk', 'Composite', { definition: 'two' })],
      composites: [{
        id: 'two', name: 'Two', nodes: [node('x', 'Conv2D'), node('y', 'Add')], edges: [edge('i', 'x', 'y')],
        inputs: [{ name: 'left', node: 'x', port: 'in' }, { name: 'right', node: 'y', port: 'in' }], output: { name: 'out', node: 'y', port: 'out' },
      }],
    });
    expect(inputPorts(withComposite.nodes.find((n) => n.id === 'blk')!, withComposite.composites).map((p) => p.name)).toEqual(['left', 'right']);
    const after = performCommand(withComposite, { kind: 'connect', source: { node: 'b' }, target: { node: 'blk' } });
    expect(after.edges.at(-1)!.target).toEqual({ node: 'blk', port: 'left' });
  });
});

describe('fresh ids, empty document and default params', () => {
  it('gives ids no node or edge has', () => {
    expect(freshId(doc, 'c')).toBe('c');
    expect(freshId(doc, 'a')).toBe('a_2');
    expect(freshId(doc, 'e1')).toBe('e1_2');
  });

  it('starts an empty design that the schema accepts, with the schema default training settings', () => {
    const empty = emptyDocument('Mine');
    expect(parseDocument(JSON.parse(JSON.stringify(empty)))).toEqual(empty);
    expect(empty.nodes).toEqual([]);
  });

  it('gives a block its schema defaults; required params are left out', () => {
    expect(defaultParams('Conv2D')).toMatchObject({ filters: 32, kernelSize: [3, 3], padding: 'valid' });
    expect(defaultParams('Composite')).toEqual({});
    expect(defaultParams('NoSuchBlock')).toEqual({});
  });
});
