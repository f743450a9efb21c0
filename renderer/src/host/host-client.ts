/**
 * The renderer's one host API: `HostClient`, with two transports — Electron IPC (`window.layerloom`, see
 * `ipc-transport.ts`) and the browser-mode HTTP/WebSocket server (`http-transport.ts`). Channels, requests
 * and responses are the typed contract in `contract/host-contract.ts`; the host validates every request.
 */
import type { EventChannel, InvokeChannel } from '../../../contract/channels';
import type { EventPayload, HostErrorCode, HostErrorInfo, HostResult, InvokeRequestInput, InvokeResponse } from '../../../contract/host-contract';

export type { EventChannel, InvokeChannel } from '../../../contract/channels';
export type { AppInfo, Autosave, EventPayload, HostErrorCode, InvokeRequestInput, InvokeResponse, MenuCommand } from '../../../contract/host-contract';
export type { LayerloomBridge } from '../../../contract/bridge';

/** How the renderer reaches its host. */
export type HostTransport = 'ipc' | 'http';

/** The host, whichever transport carries the calls. */
export interface HostClient {
  readonly transport: HostTransport;
  /** Calls a channel; resolves to its value or rejects with a `HostCallError` (code + message naming the problem). */
  call<C extends InvokeChannel>(channel: C, request: InvokeRequestInput<C>): Promise<InvokeResponse<C>>;
  /** Listens to host events (menu commands, training progress); returns the unsubscribe function. */
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
  /** Closes connections (the WebSocket); calls after this reject. */
  close(): void;
}

/** A failed host call: `code` to switch on, `message` to show, `path` naming the bad request field if any. */
export class HostCallError extends Error {
  readonly code: HostErrorCode;
  readonly path?: string;
  /** The message by code + values, when the host gave one (the app writes it in its language). */
  readonly detail?: HostErrorInfo['detail'];

  constructor(info: HostErrorInfo) {
    super(info.message);
    this.name = 'HostCallError';
    this.code = info.code;
    this.path = info.path;
    this.detail = info.detail;
  }
}

/** Unwraps a result envelope: the value, or a thrown `HostCallError`. */
export function unwrapResult<T>(result: HostResult<T>): T {
  if (result && typeof result === 'object' && 'ok' in result) {
    if (result.ok) return result.value;
    throw new HostCallError(result.error);
  }
  throw new HostCallError({ code: 'io-error', message: 'the host answered with something that is not a result' });
}
