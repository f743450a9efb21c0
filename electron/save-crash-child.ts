/**
 * Test helper process for `save-crash.test.ts`: the host services saving one design again and again
 * (`writeDocument`, i.e. writeFileAtomic) until killed. Each generation's text carries its number and a hash
 * of its body, so a reader can tell a complete file from a torn one. Prints `ready`, then `saving <n>` as each save starts and `saved <n>` after
 * each completed save (stdout to a pipe is synchronous on Linux, so an acknowledged save is in the pipe before
 * the next one starts). `once <path>` mode saves one text and prints the result or the error as JSON.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createHostServices } from './host-services';

const [mode, file, userData] = process.argv.slice(2);
if (!mode || !file || !userData) throw new Error('usage: save-crash-child.ts loop|once <file> <userDataDir>');
const host = createHostServices({ mode: 'browser', version: 'crash', userDataDir: userData, documentsDir: dirname(file) });

/** The text of generation `gen`: a body of `size` random hex characters and its SHA-256. */
export function generation(gen: number, size: number): string {
  // A random 32-character seed repeated: unique per save and cheap, so the process spends its time saving.
  const body = randomBytes(16).toString('hex').repeat(Math.ceil(size / 32)).slice(0, size);
  return JSON.stringify({ gen, sha: createHash('sha256').update(body).digest('hex'), body });
}

if (mode === 'once') {
  try {
    const result = await host.writeDocument({ path: file, text: generation(999, 1000) });
    process.stdout.write(JSON.stringify({ ok: true, result }) + '\n');
  } catch (err) {
    const e = err as { code?: string; message?: string };
    process.stdout.write(JSON.stringify({ ok: false, code: e.code, message: e.message }) + '\n');
  }
} else {
  let gen = 0;
  try {
    gen = (JSON.parse(await readFile(file, 'utf8')) as { gen: number }).gen + 1;
  } catch {
    gen = 0;
  }
  process.stdout.write('ready\n');
  // Bounded: the test kills this process long before; the cap only stops a forgotten child.
  for (let i = 0; i < 10_000; i++, gen++) {
    // 1 KiB to 3 MiB: small saves finish between kills, large ones are caught mid-write or mid-fsync.
    const size = 1024 + Math.floor(Math.random() * 3 * 1024 * 1024);
    const text = generation(gen, size);
    process.stdout.write(`saving ${gen}\n`);
    await host.writeDocument({ path: file, text });
    process.stdout.write(`saved ${gen}\n`);
  }
}
