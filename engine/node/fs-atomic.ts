/**
 * Atomic file writes for every Node-side writer (CLI, Electron main and the browser-mode host, training runs,
 * exporters): the data goes to a temporary file in the same folder, is flushed to disk, then renamed over the
 * target. A reader sees the old file or the new one, never a partial write, even if the process dies or the
 * disk fills up.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Options of `writeFileAtomic`. */
export interface AtomicWriteOptions {
  /**
   * Create missing parent folders (default true). Documents the user names pass false: a folder that is not
   * there is a mistake to report, not to paper over.
   */
  mkdirs?: boolean;
}

/** Writes `data` to `file` atomically (temp file + fsync + rename); returns the number of bytes written. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<number> {
  const dir = path.dirname(file);
  if (options.mkdirs !== false) await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let renamed = false;
  try {
    const handle = await open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
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
