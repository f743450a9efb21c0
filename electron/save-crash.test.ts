/**
 * Crash safety of saves with real processes: a host process saving a design over and over is killed with
 * SIGKILL at random moments during its saves (the n-th save plus 0–5 ms; seeded, the seed printed), ≥ 50 times; after each kill the file must be complete
 * (its hash checks out) and be either the last acknowledged save or the one in flight. And saving into a
 * read-only folder gives a clear permission error naming the file, leaving the old file as it was. And the
 * temporary file a kill leaves behind is removed by the next save into its folder, or at the host's start.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STALE_TEMP_MS } from '../engine/node/fs-atomic';
import { createHostServices } from './host-services';

const CHILD = join(__dirname, 'save-crash-child.ts');
const KILLS = Number(process.env.LAYERLOOM_CRASH_KILLS ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'layerloom-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** mulberry32: small seeded generator so a failing kill schedule can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Checks the saved file: complete and self-consistent; returns its generation. */
function readGeneration(file: string): number {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { gen: number; sha: string; body: string };
  expect(createHash('sha256').update(doc.body).digest('hex')).toBe(doc.sha);
  return doc.gen;
}

/** Runs the saver, kills it `delayMs` after its `nth` save starts, and returns the generations it acknowledged. */
function saveThenKill(file: string, nth: number, delayMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'loop', file, join(dir, 'user')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      const before = (out.match(/saving/g) ?? []).length;
      out += c;
      if (before < nth && (out.match(/saving/g) ?? []).length >= nth) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') return reject(new Error(`saver exited on its own (${signal ?? _code}): ${err.slice(0, 500)}`));
      resolve([...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1])));
    });
  });
}

describe('kill -9 during saves', () => {
  it(`leaves the old or the new file, complete, every time (${KILLS} kills)`, async () => {
    const seed = Number(process.env.LAYERLOOM_CRASH_SEED ?? Date.now() % 1_000_000);
    console.log(`save-crash: seed ${seed} (LAYERLOOM_CRASH_SEED=${seed} replays it), ${KILLS} kills`);
    const random = rng(seed);
    const file = join(dir, 'design.json');
    // Generation 0 exists before the first kill, so "the old file" is always a real one.
    const body0 = 'initial design';
    writeFileSync(file, JSON.stringify({ gen: 0, sha: createHash('sha256').update(body0).digest('hex'), body: body0 }));
    let last = 0; // the last acknowledged generation before this kill
    let midSave = 0;
    for (let k = 0; k < KILLS; k++) {
      const acknowledged = await saveThenKill(file, 1 + Math.floor(random() * 4), Math.floor(random() * 6));
      const onDisk = readGeneration(file);
      const ack = acknowledged.at(-1) ?? last;
      // The save in flight may have been renamed into place just before the kill, before its acknowledgement.
      expect([ack, ack + 1], `kill ${k}: file holds generation ${onDisk}, last acknowledged ${ack}`).toContain(onDisk);
      if (readdirSync(dir).some((f) => f.endsWith('.tmp'))) midSave++;
      for (const f of readdirSync(dir)) if (f.endsWith('.tmp')) rmSync(join(dir, f));
      last = onDisk;
    }
    console.log(`save-crash: ${KILLS} kills, ${midSave} of them mid-save (a temp file left behind), final generation ${last}`);
    // The kills must actually land during saves, or the test proves nothing.
    expect(midSave).toBeGreaterThan(KILLS / 10);
    expect(last).toBeGreaterThan(KILLS / 2);
  }, 300_000);
});

describe('saving into a read-only folder', () => {
  it('answers permission-denied naming the file and leaves the old file untouched', () => {
    const folder = join(dir, 'read-only');
    mkdirSync(folder);
    const file = join(folder, 'design.json');
    writeFileSync(file, '{"old":true}');
    chmodSync(folder, 0o555);
    chmodSync(dir, 0o755);
    // Root ignores permission bits, so as root the save runs as `nobody` (the permission check is the kernel's).
    const asRoot = process.getuid?.() === 0;
    const userData = join(dir, 'ro-user');
    mkdirSync(userData, { mode: 0o777 });
    chmodSync(userData, 0o777);
    const run = spawnSync(process.execPath, ['--import', 'tsx', CHILD, 'once', file, userData], {
      encoding: 'utf8', cwd: join(__dirname, '..'), ...(asRoot ? { uid: 65534, gid: 65534 } : {}), timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { ok: boolean; code: string; message: string };
    expect(result).toMatchObject({ ok: false, code: 'permission-denied' });
    expect(result.message).toBe(`${file}: permission denied`);
    expect(readFileSync(file, 'utf8')).toBe('{"old":true}');
    expect(readdirSync(folder)).toEqual(['design.json']);
    chmodSync(folder, 0o755);
  }, 90_000);
});

describe('temporary files left by a killed save', () => {
  it('are removed by the next save into the folder (our pattern, over a minute old, only)', async () => {
    const seed = Number(process.env.LAYERLOOM_CRASH_SEED ?? Date.now() % 1_000_000);
    const random = rng(seed + 1);
    const folder = join(dir, 'sweep');
    mkdirSync(folder);
    const file = join(folder, 'design.json');
    writeFileSync(file, JSON.stringify({ gen: 0, sha: createHash('sha256').update('x').digest('hex'), body: 'x' }));
    // Kill savers mid-save until one leaves its temporary file behind (bounded; seeded).
    let leftovers: string[] = [];
    let tries = 0;
    while (leftovers.length === 0 && tries++ < 40) {
      await saveThenKill(file, 1 + Math.floor(random() * 3), Math.floor(random() * 6));
      leftovers = readdirSync(folder).filter((f) => f.endsWith('.tmp'));
    }
    console.log(`save-crash sweep: seed ${seed}, ${tries} kill(s) to leave ${leftovers.join(', ')}`);
    expect(leftovers.length, 'no kill landed mid-save').toBeGreaterThan(0);
    // Age them past the minute (a save in progress keeps its file fresh); add look-alikes that must stay.
    const old = (Date.now() - 2 * STALE_TEMP_MS) / 1000;
    for (const f of leftovers) utimesSync(join(folder, f), old, old);
    const keep = [`.design.json.${4_000_000_000}.0123456789ab.tmp`, '.notes.tmp', 'user-file.tmp'];
    for (const f of keep) writeFileSync(join(folder, f), 'keep');
    utimesSync(join(folder, keep[1]), old, old);
    utimesSync(join(folder, keep[2]), old, old);
    // The next save (a fresh process) into the folder removes the stale leftovers, and only them.
    const run = spawnSync(process.execPath, ['--import', 'tsx', CHILD, 'once', file, join(dir, 'user')], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!), run.stderr).toMatchObject({ ok: true });
    expect(readdirSync(folder).sort()).toEqual(['design.json', ...keep].sort());
    expect(readGeneration(file)).toBe(999);
  }, 180_000);

  it('are removed from the host folders when the host starts', async () => {
    const user = join(dir, 'sweep-start');
    mkdirSync(user);
    const stale = join(user, '.autosave.json.4000000000.0123456789ab.tmp');
    writeFileSync(stale, 'half an autosave');
    const old = (Date.now() - 2 * STALE_TEMP_MS) / 1000;
    utimesSync(stale, old, old);
    const host = createHostServices({ mode: 'browser', version: 't', userDataDir: user, documentsDir: join(dir, 'sweep') });
    await expect.poll(() => readdirSync(user)).toEqual([]);
    await host.dispose();
  });
});
