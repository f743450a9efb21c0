/**
 * The browser-mode transport: `POST /api/<channel>` with the launch token in a header, and one WebSocket
 * (`/events?token=`) for host events, reconnected with backoff while anyone listens.
 */
import { HostCallError, unwrapResult, type HostClient } from './host-client';
import type { EventChannel } from '../../../contract/channels';

/** The header the server expects the token in (mirrors `TOKEN_HEADER` in electron/browser-server.ts). */
export const TOKEN_HEADER = 'x-layerloom-token';

/** The WebSocket constructor shape we use (the browser's, or `ws` in Node tests). */
export interface WebSocketLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  onerror: (() => void) | null;
  close(): void;
}

/** Where and how to reach the browser-mode server. */
export interface HttpHostOptions {
  /** The server origin, `http://127.0.0.1:<port>`. */
  origin: string;
  /** The per-launch token; `null` when the page URL had none (every call then fails with a clear message). */
  token: string | null;
  fetch?: typeof fetch;
  createWebSocket?: (url: string) => WebSocketLike;
}

/** A `HostClient` over HTTP + WebSocket. */
export function createHttpHostClient(options: HttpHostOptions): HostClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  let socket: WebSocketLike | null = null;
  let closed = false;
  let retryDelay = 250;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** A socket without listeners stays open this long, so a quick unsubscribe/resubscribe (React effects) reuses it. */
  const IDLE_CLOSE_MS = 2000;

  const missingToken = () => new HostCallError({
    code: 'permission-denied',
    message: 'this page was opened without its launch token: open the URL that `npm start` printed (it ends in ?token=…)',
  });

  function listenerCount(): number {
    let n = 0;
    for (const set of listeners.values()) n += set.size;
    return n;
  }

  function connect(): void {
    if (closed || socket || !options.token || listenerCount() === 0) return;
    const wsOrigin = options.origin.replace(/^http/, 'ws');
    const create = options.createWebSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
    const ws = create(`${wsOrigin}/events?token=${encodeURIComponent(options.token)}`);
    socket = ws;
    ws.onmessage = (event) => {
      retryDelay = 250;
      let message: { channel?: EventChannel; payload?: unknown };
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const set = message.channel ? listeners.get(message.channel) : undefined;
      for (const listener of set ?? []) listener(message.payload as never);
    };
    ws.onerror = () => undefined; // onclose follows and schedules the retry
    ws.onclose = () => {
      socket = null;
      if (closed || listenerCount() === 0) return;
      clearTimeout(retryTimer);
      retryTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 5000);
    };
  }

  return {
    transport: 'http',
    async call(channel, request) {
      if (closed) throw new HostCallError({ code: 'io-error', message: 'the host connection is closed' });
      if (!options.token) throw missingToken();
      let response: Response;
      try {
        response = await doFetch(`${options.origin}/api/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [TOKEN_HEADER]: options.token },
          body: JSON.stringify(request ?? {}),
        });
      } catch (err) {
        throw new HostCallError({ code: 'io-error', message: `cannot reach the LayerLoom server (${(err as Error).message}); is \`npm start\` still running?` });
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new HostCallError({ code: 'io-error', message: `the server answered ${response.status} without a JSON result` });
      }
      return unwrapResult(body as never);
    },
    on(channel, listener) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener as (payload: never) => void);
      clearTimeout(idleTimer);
      connect();
      return () => {
        set.delete(listener as (payload: never) => void);
        if (listenerCount() > 0) return;
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => {
          if (listenerCount() > 0 || !socket) return;
          const s = socket;
          socket = null;
          s.close();
        }, IDLE_CLOSE_MS);
      };
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(idleTimer);
      socket?.close();
      socket = null;
      listeners.clear();
    },
  };
}
