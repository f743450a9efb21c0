import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS, ipcEventName, ipcInvokeName } from '../contract/channels';
import { BRIDGE_KEY, exposeBridge, type IpcRendererLike } from './preload-bridge';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** A stand-in for ipcRenderer that records calls, and a contextBridge that records what is exposed. */
function setup() {
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, IpcListener[]>();
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => (invoked.push({ channel, args }), { ok: true, value: 'from-main' }),
    on: (channel, listener) => void listeners.set(channel, [...(listeners.get(channel) ?? []), listener]),
    removeListener: (channel, listener) => void listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener)),
  };
  const exposed: { key: string; api: unknown }[] = [];
  exposeBridge({ exposeInMainWorld: (key, api) => void exposed.push({ key, api }) }, ipc);
  const api = exposed[0]?.api as { invoke: (c: string, r: unknown) => Promise<unknown>; on: (c: string, l: (p: unknown) => void) => () => void };
  /** Delivers an IPC message as Electron would: an event object (whose sender is ipcRenderer) and the payload. */
  const deliver = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: ipc, ports: [] }, payload);
  };
  return { ipc, exposed, api, invoked, listeners, deliver };
}

/** Every value reachable from `root` (own properties, prototypes excluded). */
function reachable(root: unknown): unknown[] {
  const seen = new Set<unknown>();
  const walk = (v: unknown) => {
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) return;
    seen.add(v);
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (d && 'value' in d) walk(d.value);
    }
  };
  walk(root);
  return [...seen];
}

describe('the preload exposes only the typed API', () => {
  it('exposes one object, window.layerloom, with exactly invoke and on, frozen', () => {
    const { exposed, api, ipc } = setup();
    expect(exposed.map((e) => e.key)).toEqual([BRIDGE_KEY]);
    expect(Reflect.ownKeys(api).sort()).toEqual(['invoke', 'on']);
    expect(typeof api.invoke).toBe('function');
    expect(typeof api.on).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    // Neither ipcRenderer nor any of its methods is reachable from what the page gets.
    const values = reachable(api);
    for (const v of [ipc, ipc.invoke, ipc.on, ipc.removeListener]) expect(values).not.toContain(v);
  });

  it('invoke forwards contract channels (the request only) and keeps unknown ones away from IPC', async () => {
    const { api, invoked } = setup();
    for (const channel of INVOKE_CHANNELS) {
      await expect(api.invoke(channel, { a: 1 })).resolves.toEqual({ ok: true, value: 'from-main' });
    }
    expect(invoked).toEqual(INVOKE_CHANNELS.map((c) => ({ channel: ipcInvokeName(c), args: [{ a: 1 }] })));
    invoked.length = 0;
    for (const bad of ['shell:openExternal', 'readDocument ', '__proto__', 'constructor', ipcInvokeName(INVOKE_CHANNELS[0])]) {
      await expect(api.invoke(bad, {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    }
    expect(invoked).toEqual([]);
  });

  it('on subscribes to contract events only, passes the payload without the IPC event, and unsubscribes', () => {
    const { api, deliver, listeners } = setup();
    const channel = EVENT_CHANNELS[0];
    const got: unknown[][] = [];
    const off = api.on(channel, (...args: unknown[]) => void got.push(args));
    deliver(ipcEventName(channel), { step: 1 });
    expect(got).toEqual([[{ step: 1 }]]);
    off();
    expect(listeners.get(ipcEventName(channel))).toEqual([]);
    deliver(ipcEventName(channel), { step: 2 });
    expect(got).toHaveLength(1);
    expect(() => api.on('not-a-channel', () => undefined)).toThrow(/unknown event channel not-a-channel/);
    expect(() => api.on('__proto__', () => undefined)).toThrow(/unknown event channel/);
  });
});
