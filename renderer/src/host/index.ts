/**
 * Picks the host transport for this page: Electron's preload bridge when present, else the browser-mode
 * server that served the page (token from `?token=` in the URL). Import `getHostClient()` from here.
 */
import type { LayerloomBridge } from '../../../contract/bridge';
import type { HostClient } from './host-client';
import { createHttpHostClient } from './http-transport';
import { createIpcHostClient } from './ipc-transport';

export * from './host-client';
export { createHttpHostClient } from './http-transport';
export { createIpcHostClient } from './ipc-transport';

declare global {
  interface Window {
    /** The preload bridge; only in Electron. */
    layerloom?: LayerloomBridge;
  }
}

/** Creates the client for a page (exported for tests; the app uses `getHostClient`). */
export function createHostClient(win: Pick<Window, 'layerloom' | 'location'>): HostClient {
  if (win.layerloom) return createIpcHostClient(win.layerloom);
  const token = new URLSearchParams(win.location.search).get('token');
  return createHttpHostClient({ origin: win.location.origin, token });
}

let shared: HostClient | undefined;

/** The page's host client, created on first use. */
export function getHostClient(): HostClient {
  shared ??= createHostClient(window);
  return shared;
}
