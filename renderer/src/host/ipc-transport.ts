/** The Electron transport: calls go through the preload's `window.layerloom` bridge (IPC, validated in main). */
import type { LayerloomBridge } from '../../../contract/bridge';
import { unwrapResult, type HostClient } from './host-client';

/** A `HostClient` over the preload bridge. */
export function createIpcHostClient(bridge: LayerloomBridge): HostClient {
  return {
    transport: 'ipc',
    async call(channel, request) {
      return unwrapResult(await bridge.invoke(channel, request));
    },
    on(channel, listener) {
      return bridge.on(channel, listener);
    },
    close() {
      // IPC needs no teardown; listeners are removed by their unsubscribe functions.
    },
  };
}
