/**
 * The browser-mode server against a real browser on other origins: a page served from another local port
 * (another app, a malicious page on localhost) and a DNS-rebinding name that resolves to 127.0.0.1. Even
 * knowing the token, neither can call the API, write a file or open the event stream. Loopback only: the
 * rebinding name is mapped to 127.0.0.1 inside Chromium (`--host-resolver-rules`), no DNS is asked.
 */
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../electron/browser-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } from './chromium';

if (chromiumMissing) console.log(`e2e cross-origin: skipped: ${chromiumMissing}`);

let dir: string;
let server: BrowserServer;
let evil: Server;
let evilOrigin: string;
let browser: Browser;

beforeAll(async () => {
  if (chromiumMissing) return;
  dir = await mkdtemp(join(tmpdir(), 'layerloom-xorigin-'));
  await mkdir(join(dir, 'renderer'));
  await mkdir(join(dir, 'docs'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>LayerLoom</title>');
  server = await startBrowserServer({ rendererDir: join(dir, 'renderer'), userDataDir: join(dir, 'user'), documentsDir: join(dir, 'docs'), version: 'x' });
  evil = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
  const port = (evil.address() as { port: number }).port;
  evilOrigin = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP rebind.test 127.0.0.1'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  evil?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What a page at `pageUrl` gets when it tries the API (with the token), a form-style write and the WebSocket. */
async function attackFrom(pageUrl: string) {
  const page = await browser.newPage();
  const statuses: string[] = [];
  page.on('response', (r) => statuses.push(`${r.status()} ${r.request().method()} ${r.url()}`));
  await page.goto(pageUrl);
  const result = await page.evaluate(async ({ port, token }) => {
    const base = `http://127.0.0.1:${port}`;
    const out: Record<string, string> = {};
    try {
      const res = await fetch(`${base}/api/appInfo`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-layerloom-token': token }, body: '{}' });
      out.fetchWithToken = `status ${res.status}: ${await res.text()}`;
    } catch (err) {
      out.fetchWithToken = `blocked: ${(err as Error).name}`;
    }
    try {
      // A "simple" request needs no preflight: the browser sends it, the server must refuse it itself.
      await fetch(`${base}/api/writeDocument`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ path: 'pwned.json', text: '{}' }) });
      out.simplePost = 'sent (opaque)';
    } catch (err) {
      out.simplePost = `blocked: ${(err as Error).name}`;
    }
    try {
      const sameHost = await fetch('/api/appInfo', { method: 'POST', headers: { 'content-type': 'application/json', 'x-layerloom-token': token }, body: '{}' });
      out.sameHostFetch = `status ${sameHost.status}: ${await sameHost.text()}`;
    } catch (err) {
      out.sameHostFetch = `blocked: ${(err as Error).name}`;
    }
    out.webSocket = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/events?token=${token}`);
      ws.onopen = () => { ws.close(); resolve('opened'); };
      ws.onerror = () => resolve('refused');
      setTimeout(() => resolve('timeout'), 5000);
    });
    return out;
  }, { port: server.port, token: server.token });
  await page.close();
  return { result, statuses };
}

describe.skipIf(chromiumMissing !== null)('the local server against other origins in a real browser', () => {
  it('a page on another local port cannot call the API, write a file or open the event stream, even with the token', async () => {
    const { result, statuses } = await attackFrom(`${evilOrigin}/`);
    expect(result.fetchWithToken).toMatch(/^blocked: TypeError/); // the preflight is never answered with CORS headers
    expect(result.simplePost).toBe('sent (opaque)');
    expect(existsSync(join(dir, 'docs', 'pwned.json'))).toBe(false);
    // The simple POST reached the server, which refused it for its Origin (before even looking for a token).
    expect(statuses, statuses.join('\n')).toContain(`403 POST http://127.0.0.1:${server.port}/api/writeDocument`);
    expect(result.webSocket).toBe('refused');
  }, 60_000);

  it('a DNS-rebinding name that resolves to 127.0.0.1 gets 403 for the page and every API call', async () => {
    const { result, statuses } = await attackFrom(`http://rebind.test:${server.port}/`);
    expect(statuses[0]).toBe(`403 GET http://rebind.test:${server.port}/`); // the page itself
    expect(result.sameHostFetch).toMatch(/^status 403: .*unexpected Host header \\"rebind\.test:\d+\\"/);
    expect(result.fetchWithToken).toMatch(/^blocked: TypeError/);
    expect(result.webSocket).toBe('refused');
    expect(existsSync(join(dir, 'docs', 'pwned.json'))).toBe(false);
  }, 60_000);

  it('the app origin itself is served and answered (the checks do not lock out the app)', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    const status = await page.evaluate(async (token) => (await fetch('/api/appInfo', { method: 'POST', headers: { 'content-type': 'application/json', 'x-layerloom-token': token }, body: '{}' })).status, server.token);
    expect(status).toBe(200);
    await page.close();
  }, 60_000);
});
