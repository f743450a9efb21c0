/**
 * The preload (sandboxed, CommonJS bundle `dist-electron/preload.cjs`): exposes the narrow `window.layerloom`
 * bridge (`preload-bridge.ts`: `invoke` and `on` for the contract's channel names) and nothing else — no raw
 * `ipcRenderer`. Payloads are validated again in main; the bridge only keeps unknown channels from reaching IPC.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { exposeBridge } from './preload-bridge';

exposeBridge(contextBridge, ipcRenderer);
