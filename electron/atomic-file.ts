/**
 * Atomic file writes: the text goes to a temporary file in the same folder, is flushed to disk, then renamed
 * over the target. A reader sees the old file or the new one, never a partial write, even if the process dies.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options of `writeFileAtomic`. */
export interface AtomicWriteOptions {
  /** Create missing parent folders (for files in the user data dir; not for documents the user names). */
  mkdirs?: boolean;
}

/** Writes `text` to `path` atomically (temp file + fsync + rename); returns the number of bytes written. */
export async function writeFileAtomic(path: string, text: string, options: AtomicWriteOptions = {}): Promise<number> {
  const dir = dirname(path);
  if (options.mkdirs) await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const data = Buffer.from(text, 'utf8');
  let renamed = false;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    renamed = true;
    return data.byteLength;
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}
