import { describe, expect, it } from 'vitest';
import { parseDocument } from '../engine';
import { checkConnection, reaches } from './connection';

const node = (id: string, type: string) => ({ id, type, name: id, params: {}, position: { x: 0, y: 0 } });
const edge = (id: string, s: string, t: string) => ({ id, source: { node: s, port: 'out' }, target: { node: t, port: 'in' } });
const doc = parseDocument({
  format: 'layerloom.design',
  version: 1,
  nodes: [node('in', 'Input'), node('a', 'Conv2D'), node('b', 'Conv2D'), node('add', 'Add'), node('out', 'Output')],
  edges: [edge('e1', 'in', 'a'), edge('e2', 'a', 'b'), edge('e3', 'b', 'add')],
});

describe('live connection validation', () => {
  it.each([
    ['self loop', { source: 'a', target: 'a' }, /cannot feed itself/],
    ['cycle', { source: 'b', target: 'a' }, /would create a cycle: 'a' already feeds 'b'/],
    ['from Output', { source: 'out', target: 'a' }, /has no outgoing port/],
    ['into Input', { source: 'a', target: 'in' }, /takes no incoming connection/],
    ['duplicate', { source: 'in', target: 'a' }, /already connected/],
    ['unknown port', { source: 'a', target: 'b', targetHandle: 'nope' }, /has no input port 'nope'/],
  ])('refuses a %s with the reason', (_what, attempt, reason) => {
    const verdict = checkConnection(doc, attempt);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });

  it('replaces the wire of a taken single-input port, keeps wires of a variadic one', () => {
    expect(checkConnection(doc, { source: 'in', target: 'b' })).toEqual({ ok: true, replaces: ['e2'] });
    expect(checkConnection(doc, { source: 'a', target: 'add' })).toEqual({ ok: true, replaces: [] });
  });

  it('follows edges downstream only', () => {
    expect(reaches(doc, 'in', 'add')).toBe(true);
    expect(reaches(doc, 'add', 'in')).toBe(false);
  });
});
