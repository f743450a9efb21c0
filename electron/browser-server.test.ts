import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserServer, tokenMatches, TOKEN_HEADER, type BrowserServer } from './browser-server';
import { CONTENT_SECURITY_POLICY } from './static-files';

let dir: string;
let server: BrowserServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-server-'));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>LayerLoom</title>');
  await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.json'), '{"secret":true}');
  server = await startBrowserServer({ rendererDir: join(dir, 'renderer'), userDataDir: join(dir, 'user'), documentsDir: dir, version: '0.0.1' });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A raw HTTP request, so tests control Host and Origin (fetch would not let them). */
function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const api = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  send(`/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('browser-mode server', () => {
  it('listens on 127.0.0.1 with a random port and a token in the URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves the renderer with the CSP header, and answers appInfo with the token', async () => {
    const page = await send('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.body).toContain('<title>LayerLoom</title>');
    const info = await api('appInfo', {});
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ ok: true, value: { mode: 'browser', version: '0.0.1', nativeDialogs: false } });
  });

  it.each([
    ['a missing token', { [TOKEN_HEADER]: '' }, 401, /missing token/],
    ['a wrong token', { [TOKEN_HEADER]: 'x'.repeat(32) }, 401, /wrong token/],
    ['a wrong Host', { host: `evil.example:${0}` }, 403, /unexpected Host/],
    ['a wrong Origin', { origin: 'http://evil.example' }, 403, /cross-origin/],
    ['a non-JSON content type', { 'content-type': 'text/plain' }, 415, /application\/json/],
  ])('refuses %s', async (_what, headers, status, message) => {
    const reply = await api('appInfo', {}, headers as Record<string, string>);
    expect(reply.status).toBe(status);
    const body = JSON.parse(reply.body);
    expect(body.ok).toBe(false);
    expect(body.error.message).toMatch(message);
  });

  it('accepts its own Origin and localhost as Host', async () => {
    expect((await api('appInfo', {}, { origin: server.origin })).status).toBe(200);
    expect((await api('appInfo', {}, { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it.each([
    ['a missing field', 'readDocument', {}, 'path'],
    ['a field of the wrong type', 'writeDocument', { path: 'a.json', text: 42 }, 'text'],
    ['an unknown field', 'recentFilesGet', { extra: 1 }, '(request)'],
  ])('answers 400 with the zod path for %s', async (_what, channel, body, path) => {
    const reply = await api(channel, body);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).error).toMatchObject({ code: 'invalid-request', path });
  });

  it('answers 400 for malformed JSON, 404 for an unknown channel, 405 for GET', async () => {
    expect((await api('appInfo', '{nope')).status).toBe(400);
    expect((await api('formatDisk', {})).status).toBe(404);
    expect((await send('/api/appInfo', { headers: { [TOKEN_HEADER]: server.token } })).status).toBe(405);
  });

  it('writes atomically and reads back the same text over HTTP', async () => {
    const path = join(dir, 'design.json');
    const text = JSON.stringify({ name: 'x'.repeat(10_000) });
    const written = JSON.parse((await api('writeDocument', { path, text })).body);
    expect(written).toEqual({ ok: true, value: { path, bytes: text.length } });
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(JSON.parse((await api('readDocument', { path })).body).value.text).toBe(text);
  });

  it('does not serve files outside the renderer folder', async () => {
    for (const path of ['/%2e%2e/secret.json', '/..%2fsecret.json', '/assets/%2e%2e/%2e%2e/secret.json']) {
      const reply = await send(path);
      expect(reply.status).toBe(404);
      expect(reply.body).not.toContain('secret');
    }
    expect((await send('/assets/app.js')).headers['content-type']).toMatch(/javascript/);
  });

  it('streams events over the WebSocket only with the token and the right Origin', async () => {
    const wsUrl = `ws://127.0.0.1:${server.port}/events`;
    const refused = (url: string, origin?: string) => new Promise<boolean>((resolve) => {
      const ws = new WebSocket(url, origin ? { origin } : {});
      ws.on('open', () => { ws.close(); resolve(false); });
      ws.on('error', () => resolve(true));
    });
    expect(await refused(wsUrl)).toBe(true);
    expect(await refused(`${wsUrl}?token=wrong`)).toBe(true);
    expect(await refused(`${wsUrl}?token=${server.token}`, 'http://evil.example')).toBe(true);

    const ws = new WebSocket(`${wsUrl}?token=${server.token}`, { origin: server.origin });
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
    const received = new Promise<unknown>((resolve) => ws.on('message', (data) => resolve(JSON.parse(String(data)))));
    server.broadcast('menuCommand', { command: 'save' });
    expect(await received).toEqual({ channel: 'menuCommand', payload: { command: 'save' } });
    ws.close();
  });
});

describe('tokenMatches', () => {
  it.each([
    ['the same token', 'abc123', true],
    ['a different token of the same length', 'abc124', false],
    ['a prefix', 'abc', false],
    ['an empty string', '', false],
    ['null', null, false],
  ])('%s -> %s', (_what, presented, expected) => {
    expect(tokenMatches(presented, 'abc123')).toBe(expected);
  });
});
