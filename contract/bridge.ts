/**
 * The narrow API the preload exposes as `window.layerloom` (through `contextBridge`): call a known host
 * channel, listen to a known event channel. Nothing else of Electron reaches the page.
 */
import type { EventChannel, InvokeChannel } from './channels';
import type { EventPayload, HostResult, InvokeRequestInput, InvokeResponse } from './host-contract';

/** `window.layerloom` in the Electron renderer. */
export interface LayerloomBridge {
  /** Calls a host channel; resolves to the host's result envelope (never rejects for host errors). */
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequestInput<C>): Promise<HostResult<InvokeResponse<C>>>;
  /** Subscribes to an event channel; returns the unsubscribe function. */
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
}
