import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../engine/node/fs-atomic';
import { createHostServices, dispatchInvoke, MAX_RECENT_FILES, type HostHandlers } from './host-services';
import { errorDetailEnglish, type ErrorDetail } from '../engine/messages';

let dir: string;
let host: HostHandlers;
let recentEvents: string[][];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-host-'));
  recentEvents = [];
  host = createHostServices({
    mode: 'browser', version: '9.9.9', userDataDir: join(dir, 'user'), documentsDir: join(dir, 'docs'),
    onRecentFilesChanged: (files) => recentEvents.push(files),
  });
  await mkdir(join(dir, 'docs'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('host services', () => {
  it('writes, then reads back the identical text, resolving relative paths against the documents dir', async () => {
    const text = '{"format":"layerloom.design","nodes":[]}\n';
    const written = await host.writeDocument({ path: 'a.json', text });
    expect(written).toEqual({ path: join(dir, 'docs', 'a.json'), bytes: Buffer.byteLength(text) });
    expect(await host.readDocument({ path: written.path })).toEqual({ path: written.path, text });
    expect((await host.recentFilesGet({})).files).toEqual([written.path]);
    expect(recentEvents.at(-1)).toEqual([written.path]);
  });

  it.each([
    ['a non-JSON file', 'notes.txt', 'bad-path', 'document-not-json'],
    ['a missing file', 'missing.json', 'not-found', 'fs-not-found'],
    ['a folder named like a document', 'folder.json', 'bad-path', 'fs-is-folder'],
  ])('refuses to read %s, by code + values too', async (_what, path, code, detail) => {
    await mkdir(join(dir, 'docs', 'folder.json'));
    await writeFile(join(dir, 'docs', 'notes.txt'), 'secret');
    const result = await dispatchInvoke(host, 'readDocument', { path });
    expect(result).toMatchObject({ ok: false, error: { code, detail: { code: detail } } });
    // The English message is the detail's, word for word (what the app shows in English).
    if (!result.ok) expect(result.error.message).toBe(errorDetailEnglish(result.error.detail as ErrorDetail));
  });

  it('keeps the old file and leaves no temp file when a write fails', async () => {
    const target = join(dir, 'docs', 'keep.json');
    await writeFile(target, 'old');
    await mkdir(join(dir, 'docs', 'sub.json'));
    await expect(host.writeDocument({ path: join(dir, 'docs', 'sub.json'), text: 'new' })).rejects.toMatchObject({ code: 'bad-path' });
    await expect(host.writeDocument({ path: join(dir, 'docs', 'nowhere', 'x.json'), text: 'new' })).rejects.toMatchObject({ code: 'not-found' });
    expect(await readFile(target, 'utf8')).toBe('old');
    expect((await readdir(join(dir, 'docs'))).sort()).toEqual(['keep.json', 'sub.json']);
  });

  it('never exposes a partial file to a concurrent reader', async () => {
    const target = join(dir, 'docs', 'big.json');
    const versions = ['a', 'b', 'c', 'd'].map((ch) => ch.repeat(2_000_000));
    await writeFileAtomic(target, versions[0]);
    const seen = new Set<number>();
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const text = await readFile(target, 'utf8');
        expect(versions).toContain(text);
        seen.add(text.length);
      }
    })();
    for (let round = 0; round < 3; round++) for (const v of versions) await writeFileAtomic(target, v);
    writing = false;
    await reader;
    expect(seen).toEqual(new Set([2_000_000]));
    expect(await readdir(join(dir, 'docs'))).toEqual(['big.json']);
  });

  it('keeps the most recent files first, without duplicates, capped', async () => {
    for (let i = 0; i < MAX_RECENT_FILES + 3; i++) await host.recentFilesAdd({ path: `f${i}.json` });
    await host.recentFilesAdd({ path: 'f5.json' });
    const { files } = await host.recentFilesGet({});
    expect(files).toHaveLength(MAX_RECENT_FILES);
    expect(files[0]).toBe(join(dir, 'docs', 'f5.json'));
    expect(new Set(files).size).toBe(files.length);
    expect((await host.recentFilesClear({})).files).toEqual([]);
  });

  it('keeps every concurrent recent-file change, writing once per burst and not at all when nothing changes', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `c${i}.json`);
    const answers = await Promise.all(names.map((path) => host.recentFilesAdd({ path })));
    const expected = names.map((n) => join(dir, 'docs', n)).reverse();
    // Every entry kept (a read-modify-write per call would lose some), the last call's first.
    expect((await host.recentFilesGet({})).files).toEqual(expected);
    expect(JSON.parse(await readFile(join(dir, 'user', 'recent-files.json'), 'utf8'))).toEqual(expected);
    expect(answers.at(-1)!.files).toEqual(expected);
    // The first call's write, then one write for the seven that queued behind it.
    expect(recentEvents).toHaveLength(2);
    // Opening the file that is already first changes nothing: no write.
    await host.recentFilesAdd({ path: 'c7.json' });
    await host.writeDocument({ path: 'c7.json', text: '{}' });
    await host.readDocument({ path: 'c7.json' });
    expect(recentEvents).toHaveLength(2);
  });

  it('autosaves, restores and clears a crash-recovery snapshot', async () => {
    expect(await host.autosaveRead({})).toEqual({ autosave: null });
    const { savedAt } = await host.autosaveWrite({ text: '{"x":1}', path: null });
    expect(await host.autosaveRead({})).toEqual({ autosave: { text: '{"x":1}', path: null, savedAt } });
    expect(await host.autosaveClear({})).toEqual({ cleared: true });
    expect(await host.autosaveRead({})).toEqual({ autosave: null });
    await writeFile(join(dir, 'user', 'autosave.json'), '{corrupt');
    expect(await host.autosaveRead({})).toEqual({ autosave: null });
  });

  it('answers appInfo without native dialogs in browser mode, and dialogs say unsupported', async () => {
    expect(await host.appInfo({})).toMatchObject({ mode: 'browser', version: '9.9.9', nativeDialogs: false, documentsDir: join(dir, 'docs') });
    expect(await host.showOpenDialog({})).toEqual({ supported: false });
    expect(await host.showSaveDialog({ defaultPath: 'x.json' })).toEqual({ supported: false });
  });

  it('uses injected native dialogs when present', async () => {
    const withDialogs = createHostServices({
      mode: 'electron', version: '1', userDataDir: dir,
      dialogs: { open: async (p) => p ?? '/picked.json', save: async () => null },
    });
    expect(await withDialogs.showOpenDialog({})).toEqual({ supported: true, path: '/picked.json' });
    expect(await withDialogs.showSaveDialog({})).toEqual({ supported: true, path: null });
  });
});

describe('dispatchInvoke', () => {
  it.each([
    ['an unknown channel', 'deleteEverything', {}, 'unknown-channel', undefined],
    ['a missing field', 'readDocument', {}, 'invalid-request', 'path'],
    ['a wrong type', 'writeDocument', { path: 'a.json', text: 5 }, 'invalid-request', 'text'],
    ['an extra field', 'appInfo', { evil: true }, 'invalid-request', '(request)'],
    ['a NUL in a path', 'readDocument', { path: 'a\0.json' }, 'invalid-request', 'path'],
  ])('refuses %s with a typed error naming the field', async (_what, channel, request, code, path) => {
    const result = await dispatchInvoke(host, channel, request);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.path).toBe(path);
      expect(result.error.message).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});
