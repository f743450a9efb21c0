import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, loadWindowState, placeWindow, saveWindowState } from './window-state';

const laptop = { x: 0, y: 0, width: 1920, height: 1080 };
const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1440 };

describe('placeWindow', () => {
  it.each([
    ['no saved state', null, [laptop], { ...DEFAULT_SIZE, maximized: false }],
    ['a state on the laptop', { x: 100, y: 50, width: 1200, height: 800, maximized: false }, [laptop], { x: 100, y: 50, width: 1200, height: 800, maximized: false }],
    ['a state on a monitor still attached', { x: 2000, y: 10, width: 1600, height: 900, maximized: true }, [laptop, rightMonitor], { x: 2000, y: 10, width: 1600, height: 900, maximized: true }],
    ['a state on a monitor since unplugged', { x: 2000, y: 10, width: 1600, height: 900, maximized: false }, [laptop], { width: 1600, height: 900, maximized: false }],
    ['a window bigger than any display', { x: 0, y: 0, width: 5000, height: 3000, maximized: false }, [laptop], { x: 0, y: 0, width: 1920, height: 1080, maximized: false }],
  ])('%s', (_what, saved, areas, expected) => {
    expect(placeWindow(saved, areas)).toEqual(expected);
  });
});

describe('window state file', () => {
  it('round-trips, and treats a corrupt file as none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'layerloom-win-'));
    const file = join(dir, 'sub', 'window-state.json');
    expect(await loadWindowState(file)).toBeNull();
    await saveWindowState(file, { x: 10, y: 20, width: 1000, height: 700, maximized: true });
    expect(await loadWindowState(file)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
    await writeFile(file, '{"x": "left"}');
    expect(await loadWindowState(file)).toBeNull();
    await rm(dir, { recursive: true, force: true });
  });
});
