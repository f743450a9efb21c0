import { describe, expect, it } from 'vitest';
import { parseDocument, performCommands } from '../engine';
import { INSERT_STEP, insertAfterCommands, neighbourAlongWires } from './keyboard-nav';

const node = (id: string, type: string, x: number, y: number, params = {}) => ({ id, type, name: id, params, position: { x, y } });
const edge = (s: string, t: string, port = 'in') => ({ id: `${s}_${t}`, source: { node: s, port: 'out' }, target: { node: t, port } });
/** in -> a, in -> b (a left of b), a -> add, b -> add, add -> out. */
const fork = parseDocument({
  format: 'layerloom.design',
  version: 1,
  nodes: [node('in', 'Input', 100, 0, { shape: [8, 8, 4] }), node('b', 'Conv2D', 300, 150, { filters: 4 }), node('a', 'Conv2D', 0, 150, { filters: 4 }),
    node('add', 'Add', 100, 300), node('out', 'Output', 100, 450)],
  edges: [edge('in', 'a'), edge('in', 'b'), edge('a', 'add'), edge('b', 'add'), edge('add', 'out')],
});

describe('arrow keys along wires', () => {
  it.each([
    ['a', 'up', 'in'],
    ['in', 'down', 'a'], // the nearest target in x
    ['a', 'right', 'b'],
    ['b', 'left', 'a'],
    ['a', 'left', null],
    ['b', 'right', null],
    ['add', 'down', 'out'],
    ['out', 'down', null],
    ['in', 'up', null],
    ['nope', 'up', null],
  ] as const)('from %s, %s goes to %s', (from, dir, to) => {
    expect(neighbourAlongWires(fork, from, dir)).toBe(to);
  });
});

describe('insert after the selection', () => {
  const chain = parseDocument({
    format: 'layerloom.design',
    version: 1,
    nodes: [node('in', 'Input', 0, 0, { shape: [28, 28, 1] }), node('out', 'Output', 0, 150)],
    edges: [edge('in', 'out')],
  });

  it('puts the block on the single outgoing wire and moves the nodes below down', () => {
    const plan = insertAfterCommands(chain, 'in', 'Flatten', 'flat', {}, { x: 0, y: 0 });
    expect(plan.ok).toBe(true);
    const doc = performCommands(chain, plan.ok ? plan.commands : []);
    expect(doc.edges.map((e) => [e.source.node, e.target.node])).toEqual([['in', 'flat'], ['flat', 'out']]);
    expect(doc.nodes.find((n) => n.id === 'flat')!.position).toEqual({ x: 0, y: INSERT_STEP });
    expect(doc.nodes.find((n) => n.id === 'out')!.position.y).toBe(150 + INSERT_STEP);
    // A name given (a user block's) is the new node's.
    const named = insertAfterCommands(chain, 'in', 'Flatten', 'f2', {}, { x: 0, y: 0 }, 'my_flatten');
    expect(performCommands(chain, named.ok ? named.commands : []).nodes.find((n) => n.id === 'f2')!.name).toBe('my_flatten');
  });

  it('adds a new branch after a node with no or several outgoing wires, and just adds with no selection', () => {
    const end = insertAfterCommands(fork, 'out', 'Dense', 'd', { units: 2 }, { x: 0, y: 0 });
    expect(end).toEqual({ ok: false, reason: "'out' is the model output: nothing can come after it" });
    const branch = insertAfterCommands(fork, 'in', 'Conv2D', 'c', { filters: 2 }, { x: 0, y: 0 });
    const doc = performCommands(fork, branch.ok ? branch.commands : []);
    expect(doc.edges.filter((e) => e.source.node === 'in').map((e) => e.target.node)).toEqual(['a', 'b', 'c']);
    expect(doc.edges).toHaveLength(fork.edges.length + 1);
    const alone = insertAfterCommands(fork, null, 'Input', 'i2', {}, { x: 5, y: 6 });
    expect(alone).toEqual({ ok: true, commands: [{ kind: 'addNode', id: 'i2', type: 'Input', params: {}, position: { x: 5, y: 6 } }] });
    expect(insertAfterCommands(fork, 'a', 'Input', 'i3', {}, { x: 0, y: 0 }).ok).toBe(false);
  });
});
