import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findElectron } from '../scripts/build-app';

const saved = process.env.ELECTRON_OVERRIDE_DIST_PATH;
afterEach(() => {
  if (saved === undefined) delete process.env.ELECTRON_OVERRIDE_DIST_PATH;
  else process.env.ELECTRON_OVERRIDE_DIST_PATH = saved;
});

describe('findElectron (how npm start picks Electron or browser mode)', () => {
  it('uses ELECTRON_OVERRIDE_DIST_PATH when it holds the binary, and says why not when it does not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'layerloom-electron-dist-'));
    process.env.ELECTRON_OVERRIDE_DIST_PATH = dir;
    expect(findElectron().reason).toMatch(/does not exist/);
    const exe = join(dir, process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron');
    if (process.platform !== 'darwin') {
      await writeFile(exe, '');
      expect(findElectron()).toEqual({ path: exe });
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('without the override: the installed binary when there is one, else the reason there is none', () => {
    delete process.env.ELECTRON_OVERRIDE_DIST_PATH;
    const found = findElectron();
    // Exactly one of the two, and each what it claims: a file that exists, or a sentence naming the cause.
    expect(Object.keys(found)).toHaveLength(1);
    if (found.path) expect(existsSync(found.path)).toBe(true);
    else expect(found.reason).toMatch(/"electron" package is not installed|binary has not been downloaded/);
  });
});
