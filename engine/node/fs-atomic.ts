/**
 * Atomic file writes for every Node-side writer (CLI, Electron main and the browser-mode host, training runs,
 * exporters): the data goes to a temporary file in the same folder, is flushed to disk, then renamed over the
 * target. A reader sees the old file or the new one, never a partial write, even if the process dies or the
 * disk fills up. A process killed mid-save leaves its temporary file behind; `sweepAtomicTemps` removes such
 * leftovers (our own name pattern only, older than a minute) and runs on the first save into a folder in each
 * process, and at the host's start for its own folders.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Options of `writeFileAtomic`. */
export interface AtomicWriteOptions {
  /**
   * Create missing parent folders (default true). Documents the user names pass false: a folder that is not
   * there is a mistake to report, not to paper over.
   */
  mkdirs?: boolean;
  /**
   * Flush the data to disk before the rename (default true). Only a file that is cheap to lose may pass false
   * (the recent-files list): the rename still makes a crashed process leave the old or the new file, but a power
   * cut can leave it empty.
   */
  fsync?: boolean;
}

/** How old a leftover temporary file must be before a sweep removes it (a live save keeps its file fresh). */
export const STALE_TEMP_MS = 60_000;

/** `.<target name>.<pid>.<12 hex>.tmp` — the temporary names `writeFileAtomic` uses, nothing else. */
const TEMP_NAME = /^\..+\.(\d{1,10})\.[0-9a-f]{12}\.tmp$/;

/** The temporary name `writeFileAtomic` uses for `file` in this process. */
export function atomicTempName(file: string): string {
  return `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** True when `name` is one of `writeFileAtomic`'s temporary names; returns the pid it carries, or null. */
export function atomicTempPid(name: string): number | null {
  const m = TEMP_NAME.exec(name);
  return m ? Number(m[1]) : null;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Options of `sweepAtomicTemps`. */
export interface SweepOptions {
  /** Minimum age (ms since last modification) of a file to remove; default `STALE_TEMP_MS`. */
  olderThanMs?: number;
  /** The clock (ms since the epoch). */
  now?: number;
}

/**
 * Removes the temporary files a killed `writeFileAtomic` left in `dir`: regular files (not links) named by our
 * pattern, last modified over a minute ago, whose process is gone. Anything else — other `.tmp` files, the
 * user's files, a save still running in another process — is left alone. Never throws; returns what it removed.
 */
export async function sweepAtomicTemps(dir: string, options: SweepOptions = {}): Promise<string[]> {
  sweptDirs.add(path.resolve(dir));
  const olderThan = options.olderThanMs ?? STALE_TEMP_MS;
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = atomicTempPid(name);
    if (pid === null || processAlive(pid)) continue;
    const full = path.join(dir, name);
    try {
      const info = await lstat(full);
      if (!info.isFile() || now - info.mtimeMs < olderThan) continue;
      await unlink(full);
      removed.push(full);
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed;
}

/** Folders swept in this process (one sweep per folder: leftovers only come from processes that died). */
const sweptDirs = new Set<string>();

/** Writes `data` to `file` atomically (temp file + fsync + rename); returns the number of bytes written. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<number> {
  const dir = path.dirname(file);
  if (options.mkdirs !== false) await mkdir(dir, { recursive: true });
  // Leftovers of a killed save go first (they may be what fills the disk).
  if (!sweptDirs.has(path.resolve(dir))) await sweepAtomicTemps(dir);
  const tmp = path.join(dir, atomicTempName(file));
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let renamed = false;
  try {
    const handle = await open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      if (options.fsync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
    renamed = true;
    return bytes.byteLength;
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
}
