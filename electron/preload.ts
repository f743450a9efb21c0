/**
 * The preload (sandboxed, CommonJS bundle `dist-electron/preload.cjs`): exposes the narrow `window.layerloom`
 * bridge and nothing else — no raw `ipcRenderer`, only the allow-listed channel names. Payloads are
 * validated again in main; this only keeps unknown channels from reaching IPC at all.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { ipcEventName, ipcInvokeName, isEventChannel, isInvokeChannel } from '../contract/channels';
import type { LayerloomBridge } from '../contract/bridge';

const bridge: LayerloomBridge = {
  invoke(channel, request) {
    if (!isInvokeChannel(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown-channel', message: `unknown host channel ${String(channel)}` } });
    }
    return ipcRenderer.invoke(ipcInvokeName(channel), request);
  },
  on(channel, listener) {
    if (!isEventChannel(channel)) throw new Error(`unknown event channel ${String(channel)}`);
    const name = ipcEventName(channel);
    const wrapped = (_event: unknown, payload: unknown) => listener(payload as Parameters<typeof listener>[0]);
    ipcRenderer.on(name, wrapped);
    return () => {
      ipcRenderer.removeListener(name, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('layerloom', bridge);
