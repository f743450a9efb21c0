/**
 * Saving onto a full disk, end to end below the UI: the renderer's `saveFile` → the IPC host client → the
 * host services (`writeDocument`, `writeFileAtomic`) on a real, tiny tmpfs that the save does not fit on. The
 * save fails with a message saying the disk is full, the design stays open with its edits unsaved, and the old
 * file is intact with no temporary file left. Mounting needs root; without it that test is skipped with the
 * reason printed, and the same path runs with ENOSPC injected into the file writes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dispatchInvoke, createHostServices } from '../../../electron/host-services';
import type { LayerloomBridge } from '../../../contract/bridge';
import { emptyDocument, serializeDocument } from '../engine';
import { useEditor } from '../store';
import { saveFile } from './file-actions';

/** Files whose temporary copies get ENOSPC from `write` (the injected test only). */
const injectInto = new Set<string>();

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = async (...args: Parameters<typeof real.open>): Promise<FileHandle> => {
    const handle = await real.open(...args);
    if (!injectInto.has(dirname(String(args[0])))) return handle;
    // The first 4 KiB land, then the disk is "full": what a real full disk does to a write.
    return new Proxy(handle, {
      get(target, prop, receiver) {
        if (prop !== 'writeFile') return Reflect.get(target, prop, receiver);
        return async (data: Uint8Array) => {
          await target.writeFile(data.subarray(0, 4096));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
        };
      },
    });
  };
  return { ...real, default: { ...real, open }, open };
});

const root = mkdtempSync(join(tmpdir(), 'layerloom-disk-full-'));
const OLD_TEXT = '{"old":"design, still here"}';

/** Points the page's host client at host services on `documentsDir` (a bridge like the preload's). */
function attachHost(documentsDir: string) {
  const services = createHostServices({ mode: 'electron', version: 't', userDataDir: join(root, 'user'), documentsDir });
  const bridge: LayerloomBridge = {
    invoke: (channel, request) => dispatchInvoke(services, channel, request) as never,
    on: () => () => undefined,
  };
  (globalThis as { window?: unknown }).window = { layerloom: bridge, location: { search: '', origin: 'app://layerloom' } };
  return services;
}

/** Opens a design "from" `file`, edits it, saves; returns what the page and the disk show afterwards. */
async function editAndSave(file: string) {
  const doc = emptyDocument();
  useEditor.getState().loadDocument(doc, file, true);
  // A big edit: 1,500 blocks, a design no 64 KiB disk can take.
  useEditor.getState().dispatch(Array.from({ length: 1500 }, (_, i) => ({ kind: 'addNode' as const, id: `c${i}`, type: 'Conv2D', params: { filters: 8 }, position: { x: i, y: 0 } })));
  const edited = useEditor.getState().doc;
  const saved = await saveFile();
  const state = useEditor.getState();
  return { saved, edited, state, onDisk: readFileSync(file, 'utf8'), folder: readdirSync(dirname(file)) };
}

function expectUnsavedAndIntact(r: Awaited<ReturnType<typeof editAndSave>>, file: string) {
  expect(r.saved).toBe(false);
  // The design is still open, with its edits, and still marked unsaved.
  expect(r.state.doc).toBe(r.edited);
  expect(r.state.filePath).toBe(file);
  expect(r.state.savedDoc).not.toBe(r.state.doc);
  expect(r.state.toast?.kind).toBe('error');
  expect(r.state.toast?.text).toContain(`${file}: the disk is full (no space left on device); nothing was saved and the file on disk is unchanged`);
  expect(r.onDisk).toBe(OLD_TEXT);
  expect(r.folder).toEqual([basename(file)]);
}

let mounted = '';
let mountError = '';
beforeAll(() => {
  const dir = join(root, 'tmpfs');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    mounted = dir;
  } catch (err) {
    mountError = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim() || 'mount failed';
    console.log(`save-disk-full: cannot mount a 64 KiB tmpfs here (${mountError}); the real-disk test is skipped, the injected-ENOSPC test still runs`);
  }
});
afterAll(() => {
  if (mounted) execFileSync('umount', [mounted]);
  rmSync(root, { recursive: true, force: true });
  delete (globalThis as { window?: unknown }).window;
});

describe('saving onto a full disk', () => {
  it('a real 64 KiB tmpfs: clear error, design open and unsaved, old file intact, no temp file', async (ctx) => {
    if (!mounted) {
      console.log(`skipped: no tmpfs (${mountError})`);
      ctx.skip();
    }
    const file = join(mounted, 'design.json');
    writeFileSync(file, OLD_TEXT);
    const services = attachHost(mounted);
    const r = await editAndSave(file);
    expectUnsavedAndIntact(r, file);
    // A save that fits still works on the same disk (nothing was left holding the space).
    useEditor.getState().loadDocument(emptyDocument(), file, false);
    await expect(saveFile()).resolves.toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(serializeDocument(useEditor.getState().doc));
    await services.dispose();
  });

  it('ENOSPC injected into the write: the same answer on any machine', async () => {
    const dir = join(root, 'injected');
    mkdirSync(dir);
    const file = join(dir, 'design.json');
    writeFileSync(file, OLD_TEXT);
    injectInto.add(dir);
    const services = attachHost(dir);
    expectUnsavedAndIntact(await editAndSave(file), file);
    await services.dispose();
  });
});
