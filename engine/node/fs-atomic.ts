/**
 * Atomic file writes for Node-side code (CLI, Electron main, importer/exporter): the data goes to a temporary
 * file in the same folder, which is then renamed over the target, so a crash or a full disk never leaves a
 * half-written document behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes `data` to `file` atomically (temp file + rename), creating the parent folder when missing. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
