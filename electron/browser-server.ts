/**
 * Browser mode: the built renderer and the same host services on 127.0.0.1 (random port), for machines
 * without the Electron binary. Every API call (`POST /api/<channel>`, JSON) and the event WebSocket
 * (`/events`) needs the per-launch secret token (constant-time compare); the Host header must name this
 * server (DNS rebinding) and a browser Origin must be this server's (cross-site requests).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventChannel } from '../contract/channels';
import { MAX_DOCUMENT_BYTES, eventContract, type EventPayload, type HostResult } from '../contract/host-contract';
import { createHostServices, dispatchInvoke, type HostServices } from './host-services';
import { STATIC_HEADERS, contentTypeFor, resolveStaticPath } from './static-files';

/** How to start the browser-mode server. */
export interface BrowserServerOptions {
  /** The built renderer (`dist/renderer`). */
  rendererDir: string;
  userDataDir: string;
  documentsDir?: string;
  version: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed token for tests; a fresh random one otherwise. */
  token?: string;
  /** The training worker entry; needed when this runs from a bundle (see `training-service.ts`). */
  trainingWorkerEntry?: string;
  /** Folders file paths may name (default: the documents and runs folders; see `path-guard.ts`). */
  allowedRoots?: string[];
  /** More folders dataset paths may name (`LAYERLOOM_DATASET_DIRS`). */
  datasetDirs?: string[];
}

/** A running browser-mode server. */
export interface BrowserServer {
  /** The URL to open, token included: `http://127.0.0.1:<port>/?token=<token>`. */
  url: string;
  origin: string;
  port: number;
  token: string;
  services: HostServices;
  /** Pushes an event to every connected renderer. */
  broadcast<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  close(): Promise<void>;
}

/** The header API calls carry the token in (WebSockets use `?token=`, since browsers cannot set their headers). */
export const TOKEN_HEADER = 'x-layerloom-token';
/** Largest API request body: JSON escapes can double a document's size; allow that plus room for the envelope. */
export const MAX_BODY_BYTES = 2 * MAX_DOCUMENT_BYTES + 1024 * 1024;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Compares a presented token with the expected one in constant time (hashing first evens out lengths). */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

function sendJson(res: ServerResponse, status: number, body: HostResult<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function reject(res: ServerResponse, status: number, code: 'invalid-request' | 'unknown-channel' | 'permission-denied' | 'too-large', message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } });
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Stop buffering but keep the socket: the caller answers 413 and closes the connection once sent.
        req.removeAllListeners('data');
        req.resume();
        resolveBody(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', rejectBody);
  });
}

/** Starts the server on 127.0.0.1 and resolves once it listens. */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const clients = new Set<WebSocket>();
  /** Sends an event (checked against the contract) to every connected page. */
  function broadcast<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
    const message = JSON.stringify({ channel, payload: eventContract[channel].parse(payload) });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(message);
  }
  const services = createHostServices({
    mode: 'browser',
    version: options.version,
    userDataDir: options.userDataDir,
    documentsDir: options.documentsDir,
    emit: broadcast,
    trainingWorkerEntry: options.trainingWorkerEntry,
    ...(options.allowedRoots ? { allowedRoots: options.allowedRoots } : {}),
    ...(options.datasetDirs ? { datasetDirs: options.datasetDirs } : {}),
  });
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);

  /** Host and Origin checks shared by HTTP requests and WebSocket upgrades; returns the reason to refuse. */
  function refusal(req: IncomingMessage): string | null {
    if (!allowedHosts().includes(req.headers.host ?? '')) return `unexpected Host header ${JSON.stringify(req.headers.host ?? '')}`;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin)) return `cross-origin request from ${JSON.stringify(origin)} refused`;
    return null;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return reject(res, 405, 'invalid-request', `${req.method} not allowed: API calls are POST with a JSON body`);
    }
    const header = req.headers[TOKEN_HEADER];
    const presented = Array.isArray(header) ? header[0] : header;
    if (!presented) return reject(res, 401, 'permission-denied', `missing token: send the launch token in the ${TOKEN_HEADER} header`);
    if (!tokenMatches(presented, token)) return reject(res, 401, 'permission-denied', 'wrong token');
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      return reject(res, 415, 'invalid-request', 'expected Content-Type: application/json');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    const body = declared > MAX_BODY_BYTES ? null : await readBody(req);
    if (body === null) {
      // Drain (not read) what the client still sends so it sees the 413, then drop the connection shortly after.
      req.resume();
      res.setHeader('connection', 'close');
      res.on('finish', () => setTimeout(() => req.destroy(), 2000).unref());
      return reject(res, 413, 'too-large', `request body over ${MAX_BODY_BYTES} bytes (a design may have at most ${MAX_DOCUMENT_BYTES})`);
    }
    let raw: unknown;
    try {
      raw = body.trim() === '' ? {} : JSON.parse(body);
    } catch (err) {
      return reject(res, 400, 'invalid-request', `request body is not valid JSON: ${(err as Error).message}`);
    }
    const result = await dispatchInvoke(services, channel, raw);
    const status = result.ok ? 200 : result.error.code === 'invalid-request' ? 400 : result.error.code === 'unknown-channel' ? 404 : 200;
    sendJson(res, status, result);
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveStaticPath(options.rendererDir, pathname);
    const info = file ? await stat(file).catch(() => null) : null;
    if (!file || !info?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...STATIC_HEADERS }).end('not found');
      return;
    }
    const data = await readFile(file);
    res.writeHead(200, {
      ...STATIC_HEADERS,
      'content-type': contentTypeFor(file),
      'content-length': data.byteLength,
      // Hashed assets never change; index.html must be re-read so a rebuild shows up.
      'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  const server = createServer((req, res) => {
    const why = refusal(req);
    if (why) return reject(res, 403, 'permission-denied', why);
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = /^\/api\/([A-Za-z0-9]+)$/.exec(pathname);
    const work = api ? handleApi(req, res, api[1]) : pathname.startsWith('/api/') ? Promise.resolve(reject(res, 404, 'unknown-channel', `no API at ${pathname}`)) : handleStatic(req, res, pathname);
    work.catch((err: unknown) => {
      if (!res.headersSent) reject(res, 500, 'invalid-request', (err as Error)?.message ?? 'internal error');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const why = refusal(req) ?? (url.pathname !== '/events' ? 'no WebSocket here' : !tokenMatches(url.searchParams.get('token'), token) ? 'missing or wrong token' : null);
    if (why) {
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${why}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      // An oversized or malformed frame (ws closes it with 1009/1002) must not become an uncaught exception.
      ws.on('error', () => clients.delete(ws));
      ws.on('message', () => ws.close(1003, 'the event stream is one-way')); // requests go through POST /api
    });
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    port,
    token,
    services,
    broadcast,
    async close() {
      await services.dispose();
      for (const ws of clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
