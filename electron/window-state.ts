/**
 * Remembering the window's size and position between launches (`window-state.json` in the user data dir),
 * and putting it back only where a display still shows it (a monitor may have been unplugged).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../engine/node/fs-atomic';

/** A rectangle in screen coordinates. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const stateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200).max(100_000),
  height: z.number().int().min(150).max(100_000),
  maximized: z.boolean().default(false),
});

/** The saved window geometry. */
export type WindowState = z.infer<typeof stateSchema>;

/** Size of a first window. */
export const DEFAULT_SIZE = { width: 1440, height: 900 } as const;
/** At least this much of the window must be on a display for the saved position to be reused. */
const MIN_VISIBLE = 100;

/** Reads the saved state; `null` when missing or unreadable. */
export async function loadWindowState(file: string): Promise<WindowState | null> {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Saves the state atomically. */
export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(stateSchema.parse(state)) + '\n', { mkdirs: true });
}

function overlap(a: Rect, b: Rect): { w: number; h: number } {
  return {
    w: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    h: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * The bounds to open the window with: the saved ones (shrunk to the largest display if too big) when enough
 * of the window lands on some display's work area, else the default size centred by Electron (no x/y).
 */
export function placeWindow(saved: WindowState | null, workAreas: readonly Rect[]): Partial<Rect> & { width: number; height: number; maximized: boolean } {
  if (!saved || workAreas.length === 0) return { ...DEFAULT_SIZE, maximized: false };
  const maxW = Math.max(...workAreas.map((a) => a.width));
  const maxH = Math.max(...workAreas.map((a) => a.height));
  const bounds = { x: saved.x, y: saved.y, width: Math.min(saved.width, maxW), height: Math.min(saved.height, maxH) };
  const visible = workAreas.some((area) => {
    const o = overlap(bounds, area);
    return o.w >= Math.min(MIN_VISIBLE, bounds.width) && o.h >= Math.min(MIN_VISIBLE, bounds.height);
  });
  if (!visible) return { width: bounds.width, height: bounds.height, maximized: saved.maximized };
  return { ...bounds, maximized: saved.maximized };
}
