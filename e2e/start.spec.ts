/** `npm start` in browser mode, as a user runs it: it prints a token URL that opens the editor, and stops cleanly. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from '../scripts/build-app';
import { describeE2E, test } from './fixtures';
import { waitForApp } from './helpers/app-page';

describeE2E('npm start (browser mode)', () => {
  test('prints a token URL that opens the editor, and exits 0 on SIGTERM', async ({ browser }) => {
    const userData = await mkdtemp(join(tmpdir(), 'layerloom-start-'));
    const child = spawn(process.execPath, ['scripts/start.js', '--browser', '--no-open'], { cwd: ROOT, env: { ...process.env, LAYERLOOM_USER_DATA: userData } });
    let out = '';
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 90 s:\n${out}`)), 90_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const found = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(out);
        if (found) {
          clearTimeout(timer);
          resolve(found[0]);
        }
      });
      child.on('exit', (code) => reject(new Error(`start exited with ${code} before printing a URL:\n${out}`)));
    });
    expect(out).toMatch(/Starting browser mode/);
    const page = await browser.newPage();
    await page.goto(url);
    await waitForApp(page, 30_000, { hook: false });
    expect(await page.title()).toMatch(/LayerLoom/);
    // The app build carries no test hook (only test builds do).
    expect(await page.evaluate(() => '__layerloom' in globalThis)).toBe(false);
    await page.close();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await rm(userData, { recursive: true, force: true });
  });
});
