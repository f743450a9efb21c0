import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DesignError } from '../errors';
import { DOCUMENT_VERSION } from './document';
import { parseDocument, parseDocumentText, serializeDocument } from './load';
import { MIGRATIONS, migrate } from './migrations';

const v1 = {
  format: 'layerloom.design',
  version: 1,
  nodes: [
    { id: 'a', type: 'Input', name: 'input', params: { shape: [28, 28, 1] }, position: { x: 0, y: 0 } },
    { id: 'b', type: 'Output', name: 'output', params: {}, position: { x: 0, y: 100 } },
  ],
  edges: [{ id: 'e', source: { node: 'a', port: 'out' }, target: { node: 'b', port: 'in' } }],
};

const draftV0 = {
  name: 'draft',
  nodes: [
    { id: 'a', type: 'Input', name: 'input', params: { shape: [28, 28, 1] }, x: 10, y: 20 },
    { id: 'b', type: 'Output', name: 'output', params: {} },
  ],
  edges: [{ from: 'a', to: 'b' }],
};

describe('migrations', () => {
  it('end at the current version, in order', () => {
    expect(MIGRATIONS.map((m) => m.to)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(MIGRATIONS[MIGRATIONS.length - 1].to).toBe(DOCUMENT_VERSION);
  });

  it('doc/1 upgrades the unversioned draft: ports on edges, positions', () => {
    const up = MIGRATIONS[0].up(draftV0);
    expect(up).toMatchObject({ format: 'layerloom.design', version: 1 });
    expect(up.edges).toEqual([{ id: 'e0', source: { node: 'a', port: 'out' }, target: { node: 'b', port: 'in' } }]);
    expect((up.nodes as { position: unknown }[])[0].position).toEqual({ x: 10, y: 20 });
    expect(parseDocument(draftV0).nodes).toHaveLength(2);
  });

  it('do not mutate their input', () => {
    const input = structuredClone(draftV0);
    for (const m of MIGRATIONS) m.up(input);
    migrate(input);
    expect(input).toEqual(draftV0);
  });

  it('leave a current document as it is', () => {
    const current = migrate(v1);
    expect(migrate(current)).toBe(current);
  });

  it('doc/2 adds an empty annotations list to a version 1 design, keeping one it already has', () => {
    const toV2 = MIGRATIONS.find((m) => m.id === 'doc/2')!;
    const input = structuredClone(v1);
    const up = toV2.up(input);
    expect(input).toEqual(v1);
    expect(up).toEqual({ ...v1, version: 2, annotations: [] });
    const note = { id: 'note_1', kind: 'note', text: 'hi', color: 'yellow', position: { x: 0, y: 0 }, size: { width: 100, height: 60 } };
    const withNote = { ...v1, annotations: [note] };
    const kept = toV2.up(withNote);
    expect(kept.annotations).toEqual([note]);
    expect(kept.annotations).not.toBe(withNote.annotations);
    expect(parseDocument(withNote).annotations).toEqual([note]);
  });

  it('load every template and every old-file fixture (version 0 and 1) to the current version', () => {
    const root = join(__dirname, '..', '..');
    const files = [
      ...readdirSync(join(root, 'templates')).filter((f) => f.endsWith('.json')).map((f) => join(root, 'templates', f)),
      ...readdirSync(join(__dirname, 'fixtures')).map((f) => join(__dirname, 'fixtures', f)),
    ];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const raw = JSON.parse(readFileSync(file, 'utf8'));
      const frozen = structuredClone(raw);
      const doc = parseDocument(raw);
      expect(raw, file).toEqual(frozen);
      expect(doc.version, file).toBe(DOCUMENT_VERSION);
      expect(doc.annotations, file).toEqual(raw.annotations ?? []);
      expect(doc.nodes.length, file).toBe(raw.nodes.length);
    }
    expect(parseDocument(draftV0).annotations).toEqual([]);
  });
});

describe('parseDocument', () => {
  it('fills defaults and round-trips through serializeDocument', () => {
    const doc = parseDocument(v1);
    expect(doc.training.optimizer.type).toBe('adam');
    expect(doc.composites).toEqual([]);
    expect(parseDocumentText(serializeDocument(doc))).toEqual(doc);
  });

  it.each([
    [{ ...v1, nodes: [{ ...v1.nodes[0], id: '' }] }, 'nodes[0].id'],
    [{ ...v1, nodes: [{ ...v1.nodes[0], position: { x: 'left', y: 0 } }] }, 'nodes[0].position.x'],
    [{ ...v1, edges: [{ id: 'e', source: { node: 'a' }, target: { node: 'b', port: 'in' } }] }, 'edges[0].source.port'],
    [{ ...v1, training: { batchSize: -4 } }, 'training.batchSize'],
    [{ ...v1, format: 'something-else' }, 'format'],
  ])('names the path of a bad field (%#)', (raw, path) => {
    expect(() => parseDocument(raw)).toThrow(DesignError);
    try {
      parseDocument(raw);
    } catch (err) {
      expect((err as DesignError).path).toBe(path);
      expect((err as DesignError).message.startsWith(`${path}: `)).toBe(true);
    }
  });

  it('rejects a newer version with advice, and bad JSON with its position', () => {
    expect(() => parseDocument({ ...v1, version: 99 })).toThrow(/version 99, newer than this LayerLoom/);
    expect(() => parseDocumentText('{"nodes": [', 'my.json')).toThrow(/my.json is not valid JSON/);
    expect(() => parseDocument([1, 2])).toThrow(/expected a JSON object/);
  });
});
