/**
 * Typed wrappers around `ipcMain` / `webContents.send` — the only code in main that touches IPC. Every call
 * is checked twice before a host service runs: the sender must be the app's own top frame (`app://layerloom`),
 * and the payload must pass the channel's zod schema (`dispatchInvoke`). Written against small structural
 * interfaces so it is tested without Electron.
 */
import { INVOKE_CHANNELS, ipcEventName, ipcInvokeName, type EventChannel } from '../contract/channels';
import { eventContract, type EventPayload, type HostResult } from '../contract/host-contract';
import { dispatchInvoke, type HostHandlers } from './host-services';

/** The scheme and host the renderer is served from (see `main.ts`). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'layerloom';
/** The renderer's start URL. */
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The part of Electron's `WebFrameMain` the sender check reads. */
export interface SenderFrameLike {
  url: string;
  parent: unknown;
}

/** The part of Electron's `IpcMainInvokeEvent` the wrappers read. */
export interface InvokeEventLike {
  senderFrame: SenderFrameLike | null;
}

/** The part of Electron's `ipcMain` the wrappers use. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** The part of Electron's `WebContents` that events are sent through. */
export interface EventTargetLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed?(): boolean;
}

/** True when a frame URL belongs to the packaged renderer (`app://layerloom/...`), nothing else. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** True when an IPC call comes from the app's own top-level frame (not an iframe, not a navigated-away page). */
export function isTrustedSender(event: InvokeEventLike): boolean {
  const frame = event.senderFrame;
  return frame !== null && (frame.parent === null || frame.parent === undefined) && isAppUrl(frame.url);
}

/**
 * Registers one `ipcMain.handle` per contract channel. Each handler refuses untrusted senders, validates the
 * request and answers with a `HostResult`. Returns a function that removes the handlers.
 */
export function registerHostHandlers(ipcMain: IpcMainLike, handlers: HostHandlers, trusted: (event: InvokeEventLike) => boolean = isTrustedSender): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(ipcInvokeName(channel), async (event, request): Promise<HostResult<unknown>> => {
      if (!trusted(event)) {
        return { ok: false, error: { code: 'permission-denied', message: `${channel}: call from an untrusted frame (${event.senderFrame?.url ?? 'none'}) refused` } };
      }
      return dispatchInvoke(handlers, channel, request);
    });
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(ipcInvokeName(channel));
  };
}

/** Sends an event to a renderer after checking the payload against the contract (a bug here throws in main). */
export function sendEvent<C extends EventChannel>(target: EventTargetLike, channel: C, payload: EventPayload<C>): void {
  const checked = eventContract[channel].parse(payload);
  if (target.isDestroyed?.()) return;
  target.send(ipcEventName(channel), checked);
}
