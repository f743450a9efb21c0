import { describe, expect, it } from 'vitest';
import { DesignError } from '../errors';
import { parseDocument } from '../schema/load';
import { documentSchema, type DesignDocument } from '../schema/document';
import { frameContents } from './annotations';
import { performCommand, performCommands } from './perform';

const node = (id: string, type: string, x: number, y: number) => ({ id, type, name: id, params: type === 'Input' ? { shape: [8, 8, 1] } : {}, position: { x, y } });
const base = (): DesignDocument =>
  parseDocument({ format: 'layerloom.design', version: 2, nodes: [node('in', 'Input', 10, 10), node('flat', 'Flatten', 10, 150), node('far', 'Output', 900, 900)], edges: [] });

describe('annotation commands', () => {
  it('add a note and a frame with fresh ids (frames first, drawn under notes), valid for the schema, without mutating', () => {
    const doc = base();
    const frozen = structuredClone(doc);
    const next = performCommands(doc, [
      { kind: 'addAnnotation', annotation: { kind: 'note', text: 'try 5x5 here', position: { x: 300, y: 0 }, size: { width: 200, height: 100 } } },
      { kind: 'addAnnotation', annotation: { kind: 'frame', text: 'stem', position: { x: 0, y: 0 }, size: { width: 260, height: 260 } } },
    ]);
    expect(doc).toEqual(frozen);
    expect(next.annotations.map((a) => [a.id, a.kind, a.color])).toEqual([['frame_1', 'frame', 'blue'], ['note_1', 'note', 'yellow']]);
    expect(documentSchema.safeParse(next).success).toBe(true);
  });

  it('a frame moved with its contents carries the blocks and notes inside it, and only those', () => {
    const doc = performCommands(base(), [
      { kind: 'addAnnotation', annotation: { id: 'f', kind: 'frame', position: { x: 0, y: 0 }, size: { width: 260, height: 260 } } },
      { kind: 'addAnnotation', annotation: { id: 'n', kind: 'note', position: { x: 100, y: 100 }, size: { width: 100, height: 60 } } },
    ]);
    expect(frameContents(doc, 'f')).toEqual(['in', 'flat', 'n']);
    expect(frameContents(doc, 'n')).toEqual([]);
    const moved = performCommand(doc, { kind: 'moveAnnotation', id: 'f', position: { x: 50, y: 40 }, moveContents: true });
    expect(moved.nodes.map((n) => n.position)).toEqual([{ x: 60, y: 50 }, { x: 60, y: 190 }, { x: 900, y: 900 }]);
    expect(moved.annotations.find((a) => a.id === 'n')!.position).toEqual({ x: 150, y: 140 });
    const alone = performCommand(doc, { kind: 'moveAnnotation', id: 'f', position: { x: 50, y: 40 } });
    expect(alone.nodes).toBe(doc.nodes);
  });

  it('resize, edit and remove; refuse a missing id or a tiny size, naming it', () => {
    let doc = performCommand(base(), { kind: 'addAnnotation', annotation: { id: 'n', kind: 'note', position: { x: 0, y: 0 }, size: { width: 100, height: 60 } } });
    doc = performCommands(doc, [
      { kind: 'resizeAnnotation', id: 'n', size: { width: 300, height: 120 } },
      { kind: 'editAnnotation', id: 'n', text: 'hello', color: 'green' },
    ]);
    expect(doc.annotations[0]).toMatchObject({ text: 'hello', color: 'green', size: { width: 300, height: 120 } });
    expect(() => performCommand(doc, { kind: 'resizeAnnotation', id: 'n', size: { width: 3, height: 120 } })).toThrow(/annotations\[0\]\.size: expected a size of at least 40×30/);
    expect(() => performCommand(doc, { kind: 'editAnnotation', id: 'zz', text: '' })).toThrow(DesignError);
    expect(() => performCommand(doc, { kind: 'addAnnotation', annotation: { id: 'in', kind: 'note', position: { x: 0, y: 0 }, size: { width: 100, height: 60 } } })).toThrow(/'in' already exists/);
    expect(performCommand(doc, { kind: 'removeAnnotation', ids: ['n'] }).annotations).toEqual([]);
  });
});
