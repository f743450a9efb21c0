/**
 * The preload's bridge, apart from `preload.ts` so it is tested without Electron (`preload-bridge.test.ts`):
 * `window.layerloom` is an object with exactly two functions, `invoke` and `on`, limited to the contract's
 * channel names. No `ipcRenderer`, no IPC event object (its `sender` is the `ipcRenderer`) and no Node value ever
 * reaches the page; payloads are validated again in main.
 */
import { ipcEventName, ipcInvokeName, isEventChannel, isInvokeChannel } from '../contract/channels';
import type { LayerloomBridge } from '../contract/bridge';

/** The name the bridge is exposed under (`window.layerloom`). */
export const BRIDGE_KEY = 'layerloom';

/** The part of Electron's `ipcRenderer` the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The part of Electron's `contextBridge` the preload uses. */
export interface ContextBridgeLike {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

/** The bridge over `ipc`: unknown channels never reach IPC, listeners get the payload alone. */
export function createBridge(ipc: IpcRendererLike): LayerloomBridge {
  const bridge: LayerloomBridge = {
    invoke(channel, request) {
      if (!isInvokeChannel(channel)) {
        return Promise.resolve({ ok: false, error: { code: 'unknown-channel', message: `unknown host channel ${String(channel)}` } });
      }
      return ipc.invoke(ipcInvokeName(channel), request) as never; // the host's result, checked by the contract in main
    },
    on(channel, listener) {
      if (!isEventChannel(channel)) throw new Error(`unknown event channel ${String(channel)}`);
      const name = ipcEventName(channel);
      const wrapped = (_event: unknown, payload: unknown) => listener(payload as Parameters<typeof listener>[0]);
      ipc.on(name, wrapped);
      return () => {
        ipc.removeListener(name, wrapped);
      };
    },
  };
  return Object.freeze(bridge);
}

/** Exposes the bridge, and only it, to the page. */
export function exposeBridge(contextBridge: ContextBridgeLike, ipc: IpcRendererLike): void {
  contextBridge.exposeInMainWorld(BRIDGE_KEY, createBridge(ipc));
}
