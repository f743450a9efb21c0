/**
 * The browser-mode server against other local pages and processes: the token on every API channel and the
 * WebSocket, Host (DNS rebinding) and Origin checks, file paths confined to the documents folder, and size
 * limits on request bodies and WebSocket messages. Real server, real sockets, real files.
 */
import { request as httpRequest } from 'node:http';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { INVOKE_CHANNELS } from '../contract/channels';
import { MAX_BODY_BYTES, startBrowserServer, TOKEN_HEADER, type BrowserServer } from './browser-server';

let dir: string;
let docs: string;
let outside: string;
let server: BrowserServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-sec-'));
  docs = join(dir, 'docs');
  outside = join(dir, 'outside');
  await mkdir(join(dir, 'renderer'), { recursive: true });
  await mkdir(docs);
  await mkdir(outside);
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>LayerLoom</title>');
  await writeFile(join(outside, 'secret.json'), '{"secret":"outside"}');
  await symlink(outside, join(docs, 'link-out'));
  await symlink(join(outside, 'secret.json'), join(docs, 'secret-link.json'));
  server = await startBrowserServer({ rendererDir: join(dir, 'renderer'), userDataDir: join(dir, 'user'), documentsDir: docs, version: 'sec' });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

interface Reply { status: number; body: string }

/** A raw HTTP request, so the test controls Host, Origin and the body as an attacker would. */
function send(path: string, opts: { method?: string; headers?: Record<string, string | number>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: opts.headers, setHost: !opts.headers?.host }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const api = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  send(`/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', host: `127.0.0.1:${server.port}`, [TOKEN_HEADER]: server.token, ...headers },
    body: JSON.stringify(body),
  });

const error = (reply: Reply) => JSON.parse(reply.body).error as { code: string; message: string; path?: string };

describe('the token', () => {
  it.each(INVOKE_CHANNELS.map((c) => [c]))('is required by %s (missing and wrong)', async (channel) => {
    const missing = await api(channel, {}, { [TOKEN_HEADER]: '' });
    expect(missing.status).toBe(401);
    expect(error(missing).message).toMatch(/missing token/);
    const wrong = await api(channel, {}, { [TOKEN_HEADER]: server.token.slice(0, -1) + (server.token.endsWith('A') ? 'B' : 'A') });
    expect(wrong.status).toBe(401);
    expect(error(wrong).message).toBe('wrong token');
  });

  it('is not accepted from the query string or a cookie on API calls', async () => {
    const viaQuery = await send(`/api/appInfo?token=${server.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(viaQuery.status).toBe(401);
    const viaCookie = await send('/api/appInfo', { method: 'POST', headers: { 'content-type': 'application/json', cookie: `token=${server.token}` }, body: '{}' });
    expect(viaCookie.status).toBe(401);
  });
});

describe('Host and Origin', () => {
  const rebinding = () => [
    `evil.example:${server.port}`, // DNS rebinding: evil.example now resolves to 127.0.0.1
    `127.0.0.1.evil.example:${server.port}`,
    `localhost.evil.example:${server.port}`,
    `127.0.0.1:${server.port + 1}`,
    '127.0.0.1',
    `[::1]:${server.port}`,
    `0.0.0.0:${server.port}`,
  ];
  it('refuses API calls and static files under a rebinding Host header, even with the token', async () => {
    for (const host of rebinding()) {
      const reply = await api('appInfo', {}, { host });
      expect(reply.status, host).toBe(403);
      expect(error(reply).message).toMatch(/unexpected Host header/);
      expect((await send('/', { headers: { host } })).status, host).toBe(403);
    }
  });

  it('refuses requests from pages of other origins, even with the token', async () => {
    for (const origin of ['http://evil.example', `http://localhost:${server.port + 1}`, `https://127.0.0.1:${server.port}`, 'null', `http://127.0.0.1:${server.port}.evil.example`]) {
      const reply = await api('readDocument', { path: 'a.json' }, { origin });
      expect(reply.status, origin).toBe(403);
      expect(error(reply).message).toMatch(/cross-origin request/);
    }
  });

  it('refuses the WebSocket without the token, with another origin or a rebinding Host', async () => {
    const opens = (url: string, headers: Record<string, string> = {}) => new Promise<boolean>((resolve) => {
      const ws = new WebSocket(url, { headers });
      ws.on('open', () => { ws.close(); resolve(true); });
      ws.on('error', () => resolve(false));
    });
    const url = `ws://127.0.0.1:${server.port}/events`;
    expect(await opens(url)).toBe(false);
    expect(await opens(`${url}?token=`)).toBe(false);
    expect(await opens(`${url}?token=${server.token}x`)).toBe(false);
    expect(await opens(`${url}?token=${server.token}`, { origin: 'http://evil.example' })).toBe(false);
    expect(await opens(`${url}?token=${server.token}`, { host: `evil.example:${server.port}` })).toBe(false);
    expect(await opens(`ws://127.0.0.1:${server.port}/other?token=${server.token}`)).toBe(false);
    expect(await opens(`${url}?token=${server.token}`, { origin: server.origin })).toBe(true);
  });
});

describe('file paths stay in the documents folder', () => {
  const escapes = () => [
    ['`..`', '../outside/secret.json', /outside the folder/],
    ['`..` deep inside', 'a/b/../../../outside/secret.json', /outside the folder/],
    ['an absolute path outside', join(outside, 'secret.json'), /outside the folder/],
    ['/etc', '/etc/hostname.json', /outside the folder/],
    ['a symlinked folder', 'link-out/secret.json', /symbolic link/],
    ['a symlinked file', 'secret-link.json', /symbolic link/],
    ['a drive-letter path', 'C:\\Users\\me\\secret.json', /Windows drive/],
    ['a forward-slash drive path', 'c:/secret.json', /Windows drive/],
    ['a UNC path', '\\\\server\\share\\secret.json', /Windows drive or network/],
  ] as const;

  it.each(['readDocument', 'writeDocument', 'recentFilesAdd', 'modelImport', 'codeFileWrite'])('%s refuses escapes with a message naming the path', async (channel) => {
    for (const [what, path, message] of escapes()) {
      const body = channel === 'writeDocument' || channel === 'codeFileWrite' ? { path, text: '{"pwned":true}' } : { path };
      const reply = await api(channel, body);
      const err = error(reply);
      expect(JSON.parse(reply.body).ok, `${channel} ${what}`).toBe(false);
      expect(err.message, `${channel} ${what}`).toMatch(message);
      expect(err.message).toContain(path);
    }
    expect(await readFile(join(outside, 'secret.json'), 'utf8')).toBe('{"secret":"outside"}');
    expect(existsSync(join(dir, 'secret.json'))).toBe(false);
  });

  it('modelExport refuses an output or a run folder outside', async () => {
    const document = JSON.parse(await readFile(join(__dirname, '..', 'templates', 'lenet5.json'), 'utf8'));
    for (const body of [{ document, format: 'keras', path: join(outside, 'model.py') }, { document, format: 'tfjs', path: 'ok-model', runDir: '../outside' }]) {
      const reply = await api('modelExport', body);
      expect(error(reply).code).toBe('permission-denied');
      expect(error(reply).message).toMatch(/outside the folder/);
    }
    expect(existsSync(join(outside, 'model.py'))).toBe(false);
  });

  it('trainingRunExport refuses a target folder outside', async () => {
    for (const dir of ['../outside/model', join(outside, 'model'), 'link-out/model']) {
      const err = error(await api('trainingRunExport', { runId: 'any-run', dir }));
      expect(err.code, dir).toBe('permission-denied');
      expect(err.path).toBe('dir');
    }
    expect(existsSync(join(outside, 'model'))).toBe(false);
  });

  it('refuses NUL bytes before any file system call', async () => {
    for (const channel of ['readDocument', 'writeDocument']) {
      const reply = await api(channel, { path: 'design.json\0.txt', text: '{}' });
      expect(reply.status).toBe(400);
      expect(error(reply)).toMatchObject({ code: 'invalid-request', path: 'path', message: expect.stringMatching(/NUL/) });
    }
  });

  it('still reads and writes inside, through relative, absolute and `..`-that-stays-inside paths', async () => {
    const text = '{"ok":true}';
    expect(JSON.parse((await api('writeDocument', { path: 'sub/../inside.json', text })).body).value.path).toBe(join(docs, 'inside.json'));
    expect(JSON.parse((await api('readDocument', { path: join(docs, 'inside.json') })).body).value.text).toBe(text);
    const missingFolder = error(await api('writeDocument', { path: 'no-such-folder/x.json', text }));
    expect(missingFolder).toMatchObject({ code: 'not-found', message: expect.stringContaining('no-such-folder') });
  });
});

describe('size limits', () => {
  it('answers 413 to a body over the limit, declared up front', async () => {
    const reply = await send('/api/writeDocument', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token, 'content-length': MAX_BODY_BYTES + 1 },
      body: Buffer.alloc(0),
    }).catch((err: Error) => ({ status: -1, body: err.message }));
    expect(reply.status).toBe(413);
    expect(error(reply).message).toMatch(/request body over/);
  });

  it('answers 413 to a chunked body that grows over the limit, and keeps serving', async () => {
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/api/writeDocument', method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(4 * 1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent <= MAX_BODY_BYTES) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(reply.status).toBe(413);
    expect((await api('appInfo', {})).status).toBe(200);
  }, 60_000);

  it('refuses a document over the design limit with the limit in the message', async () => {
    const reply = await api('writeDocument', { path: 'big.json', text: 'x'.repeat(50 * 1024 * 1024 + 1) });
    expect(reply.status).toBe(400);
    expect(error(reply).message).toMatch(/at most 52428800 characters/);
    expect(existsSync(join(docs, 'big.json'))).toBe(false);
  }, 30_000);

  it('closes a WebSocket that sends anything (one-way stream), and one over 64 KiB with 1009', async () => {
    const closeCode = (payload: string) => new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`);
      ws.on('open', () => ws.send(payload));
      ws.on('close', (code) => resolve(code));
      ws.on('error', reject);
    });
    expect(await closeCode('{"channel":"readDocument"}')).toBe(1003);
    expect(await closeCode('x'.repeat(65 * 1024))).toBe(1009);
  });
});
