import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserServer, type BrowserServer } from '../../../electron/browser-server';
import { createHostClient, HostCallError } from './index';
import { createHttpHostClient, type WebSocketLike } from './http-transport';

let dir: string;
let server: BrowserServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-client-'));
  await mkdir(join(dir, 'renderer'));
  server = await startBrowserServer({ rendererDir: join(dir, 'renderer'), userDataDir: join(dir, 'user'), documentsDir: dir, version: '3.1.4' });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

// Paths joined by hand: renderer files may not import node:path (lint rule), even in Node-run tests.
const join = (...parts: string[]) => parts.join('/');
const wsFactory = (origin: string) => (url: string) => new WebSocket(url, { origin }) as unknown as WebSocketLike;

describe('HostClient over HTTP/WebSocket against the real browser-mode server', () => {
  it('calls channels and unwraps values', async () => {
    const host = createHttpHostClient({ origin: server.origin, token: server.token });
    expect(await host.call('appInfo', {})).toMatchObject({ mode: 'browser', version: '3.1.4' });
    const path = join(dir, 'd.json');
    await host.call('writeDocument', { path, text: '{"a":1}' });
    expect(await host.call('readDocument', { path })).toEqual({ path, text: '{"a":1}' });
    host.close();
  });

  it('rejects with a HostCallError naming the code and field', async () => {
    const host = createHttpHostClient({ origin: server.origin, token: server.token });
    const err = await host.call('readDocument', { path: 'missing.json' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostCallError);
    expect(err).toMatchObject({ code: 'not-found' });
    const bad = await host.call('readDocument', { path: 7 as unknown as string }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'invalid-request', path: 'path' });
  });

  it('says how to fix a page opened without its token, and fails on a wrong token', async () => {
    const noToken = createHostClient({ location: { search: '', origin: server.origin } as Location });
    await expect(noToken.call('appInfo', {})).rejects.toThrow(/launch token/);
    const wrong = createHttpHostClient({ origin: server.origin, token: 'nope' });
    await expect(wrong.call('appInfo', {})).rejects.toMatchObject({ code: 'permission-denied' });
  });

  it('delivers host events to listeners, and stops after unsubscribe', async () => {
    const host = createHttpHostClient({ origin: server.origin, token: server.token, createWebSocket: wsFactory(server.origin) });
    const got: unknown[] = [];
    const off = host.on('menuCommand', (p) => got.push(p));
    // The socket connects asynchronously: broadcast until the first event arrives.
    for (let i = 0; i < 100 && got.length === 0; i++) {
      server.broadcast('menuCommand', { command: 'fitView' });
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(got[0]).toEqual({ command: 'fitView' });
    off();
    const count = got.length;
    server.broadcast('menuCommand', { command: 'undo' });
    await new Promise((r) => setTimeout(r, 50));
    expect(got.length).toBe(count);
    host.close();
  });

  it('uses the IPC bridge when the preload exposed one', async () => {
    const calls: unknown[] = [];
    const bridge = {
      invoke: async (channel: string, request: unknown) => { calls.push([channel, request]); return { ok: true, value: { files: [] } }; },
      on: () => () => undefined,
    };
    const host = createHostClient({ layerloom: bridge as never, location: { search: '?token=x', origin: 'app://layerloom' } as Location });
    expect(host.transport).toBe('ipc');
    expect(await host.call('recentFilesGet', {})).toEqual({ files: [] });
    expect(calls).toEqual([['recentFilesGet', {}]]);
  });
});
