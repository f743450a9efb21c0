/**
 * Test support: a browser-mode server on a temporary folder for the file's tests (started before them, closed
 * and removed after), and a JSON caller for its API with the token.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startBrowserServer, TOKEN_HEADER, type BrowserServer } from './browser-server';

/** A host answer as the tests read it. */
export interface ApiAnswer {
  ok: boolean;
  value?: Record<string, unknown>;
  error?: { code: string; message: string; path?: string };
}

/** The server of a test file: `server` and `dir` are set once `beforeAll` has run. */
export function useTestServer(prefix: string) {
  const t = { dir: '', server: undefined as unknown as BrowserServer };
  beforeAll(async () => {
    t.dir = await mkdtemp(join(tmpdir(), prefix));
    await mkdir(join(t.dir, 'renderer'));
    await mkdir(join(t.dir, 'docs'));
    t.server = await startBrowserServer({ rendererDir: join(t.dir, 'renderer'), userDataDir: join(t.dir, 'user'), documentsDir: join(t.dir, 'docs'), version: 't' });
  });
  afterAll(async () => {
    await t.server.close();
    await rm(t.dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return t.dir;
    },
    get server() {
      return t.server;
    },
    /** POSTs `body` to a channel with the token; the host's `HostResult`. */
    async api(channel: string, body: unknown): Promise<ApiAnswer> {
      const res = await fetch(`${t.server.origin}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: t.server.token }, body: JSON.stringify(body) });
      return (await res.json()) as ApiAnswer;
    },
  };
}
