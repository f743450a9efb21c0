import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, ipcEventName, ipcInvokeName } from '../contract/channels';
import { createHostServices } from './host-services';
import { isAppUrl, isTrustedSender, registerHostHandlers, sendEvent, type InvokeEventLike, type IpcMainLike } from './ipc-main';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

/** A stand-in for Electron's ipcMain that records handlers, so main's wiring is tested without Electron. */
function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  return { ipc, handlers };
}

const appFrame = { senderFrame: { url: 'app://layerloom/index.html', parent: null } };
let dir: string;
const ipc = fakeIpcMain();
let unregister: () => void;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-ipc-'));
  unregister = registerHostHandlers(ipc.ipc, createHostServices({ mode: 'electron', version: '1.2.3', userDataDir: dir, documentsDir: dir }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const invoke = (channel: string, event: InvokeEventLike, request: unknown) => ipc.handlers.get(ipcInvokeName(channel as never))!(event, request);

describe('IPC handlers in main', () => {
  it('registers exactly one handler per contract channel', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(INVOKE_CHANNELS.map(ipcInvokeName).sort());
  });

  it('answers a valid call from the app frame', async () => {
    expect(await invoke('appInfo', appFrame, {})).toMatchObject({ ok: true, value: { mode: 'electron', version: '1.2.3' } });
  });

  it.each([
    ['a remote page', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a file: page', { senderFrame: { url: 'file:///tmp/x.html', parent: null } }],
    ['an iframe inside the app', { senderFrame: { url: 'app://layerloom/index.html', parent: {} } }],
    ['another app:// host', { senderFrame: { url: 'app://other/index.html', parent: null } }],
    ['a destroyed frame', { senderFrame: null }],
  ])('refuses calls from %s', async (_what, event) => {
    expect(await invoke('appInfo', event, {})).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
  });

  it.each([
    ['no request', 'readDocument', undefined, 'path'],
    ['a number as path', 'readDocument', { path: 1 }, 'path'],
    ['a string instead of an object', 'writeDocument', 'a.json', '(request)'],
    ['an unknown field', 'autosaveRead', { x: 1 }, '(request)'],
  ])('validates every payload: %s', async (_what, channel, request, path) => {
    expect(await invoke(channel, appFrame, request)).toMatchObject({ ok: false, error: { code: 'invalid-request', path } });
  });

  it('sends only events that match the contract', () => {
    const sent: unknown[][] = [];
    const target = { send: (...args: unknown[]) => void sent.push(args) };
    sendEvent(target, 'menuCommand', { command: 'openRecent', path: '/a.json' });
    expect(sent).toEqual([[ipcEventName('menuCommand'), { command: 'openRecent', path: '/a.json' }]]);
    expect(() => sendEvent(target, 'menuCommand', { command: 'format-disk' as never })).toThrow();
  });

  it('removes its handlers', () => {
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });
});

describe('isAppUrl / isTrustedSender', () => {
  it.each([
    ['app://layerloom/index.html', true],
    ['app://layerloom/assets/x.js', true],
    ['app://layerloom.evil/index.html', false],
    ['http://127.0.0.1:5173/', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
    expect(isTrustedSender({ senderFrame: { url, parent: null } })).toBe(expected);
  });
});
