import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicTempName, atomicTempPid, STALE_TEMP_MS, sweepAtomicTemps, writeFileAtomic } from './fs-atomic';

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

describe('sweepAtomicTemps (leftovers of killed saves)', () => {
  it('removes only our own temp names, over a minute old, of processes that are gone', async () => {
    const folder = path.join(dir, 'sweep');
    mkdirSync(folder);
    const deadPid = 4_000_000_000; // above any pid the kernel hands out
    const old = (Date.now() - 2 * STALE_TEMP_MS) / 1000;
    const files: [name: string, kind: 'file' | 'dir' | 'link', ageSec: number, removed: boolean][] = [
      [`.design.json.${deadPid}.0123456789ab.tmp`, 'file', old, true],
      [`.recent-files.json.${deadPid}.ffffffffffff.tmp`, 'file', old, true],
      [`.design.json.${deadPid}.0123456789ac.tmp`, 'file', Date.now() / 1000, false], // younger than a minute
      [`.design.json.${process.pid}.0123456789ad.tmp`, 'file', old, false], // a save of a live process
      [`.design.json.${deadPid}.0123456789ae.tmp`, 'dir', old, false],
      [`.design.json.${deadPid}.0123456789af.tmp`, 'link', old, false],
      [`design.json.${deadPid}.0123456789ab.tmp`, 'file', old, false], // no leading dot
      [`.design.json.${deadPid}.0123456789AB.tmp`, 'file', old, false], // not our hex
      [`.design.json.${deadPid}.0123456789ab.tmp.bak`, 'file', old, false],
      ['.notes.tmp', 'file', old, false],
      ['user-file.tmp', 'file', old, false],
      ['design.json', 'file', old, false],
    ];
    for (const [name, kind, age] of files) {
      const full = path.join(folder, name);
      if (kind === 'file') writeFileSync(full, 'x');
      else if (kind === 'dir') mkdirSync(full);
      else symlinkSync(path.join(folder, 'design.json'), full);
      if (kind !== 'link') utimesSync(full, age, age);
    }
    const removed = await sweepAtomicTemps(folder);
    expect(removed.map((f) => path.basename(f)).sort()).toEqual(files.filter((f) => f[3]).map((f) => f[0]).sort());
    expect(readdirSync(folder).sort()).toEqual(files.filter((f) => !f[3]).map((f) => f[0]).sort());
    // A missing folder is not an error.
    await expect(sweepAtomicTemps(path.join(dir, 'no-such-folder'))).resolves.toEqual([]);
  });

  it('names the temp files of writeFileAtomic by the pattern the sweep knows', () => {
    expect(atomicTempPid(atomicTempName('/x/design.json'))).toBe(process.pid);
    expect(atomicTempPid('.design.json.12.0123456789ab.tmp')).toBe(12);
    expect(atomicTempPid('design.json')).toBeNull();
  });
});
