import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './fs-atomic';

const dir = mkdtempSync(path.join(os.tmpdir(), 'layerloom-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes text and bytes, replaces an existing file, creates folders and leaves no temp file', async () => {
    const file = path.join(dir, 'sub/folder/doc.json');
    await writeFileAtomic(file, '{"a":1}');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(readdirSync(path.dirname(file))).toEqual(['doc.json']);
  });

  it('keeps the old file and removes its temp file when the rename fails', async () => {
    const target = path.join(dir, 'a-folder');
    await writeFileAtomic(path.join(target, 'x'), 'x');
    writeFileSync(path.join(dir, 'keep.txt'), 'old');
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(path.join(dir, 'keep.txt'), 'utf8')).toBe('old');
  });
});
