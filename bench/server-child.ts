/**
 * The browser-mode server under `npm run bench:server`, in its own process so its memory and CPU are its own.
 * Parent messages (IPC): `{ type: 'stream', count, every }` broadcasts `count` training `batch` events (batch =
 * sequence number) in groups every `every` ms; `{ type: 'mem' }` answers the heap and RSS after a GC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBrowserServer } from '../electron/browser-server';

const dir = process.argv[2];
if (!dir || !process.send) throw new Error('usage: forked by bench/server.ts with a working folder');
await mkdir(join(dir, 'renderer'), { recursive: true });
await mkdir(join(dir, 'docs'), { recursive: true });
await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>LayerLoom</title>');
const server = await startBrowserServer({ rendererDir: join(dir, 'renderer'), userDataDir: join(dir, 'user'), documentsDir: join(dir, 'docs'), version: 'bench' });
const send = (message: unknown) => process.send!(message);
// The peer: a bare node:http server in the same process that reads the body and answers a small JSON, i.e. the
// transport's floor without token, Host/Origin checks, validation or host services.
const peer = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"value":{}}'));
});
await new Promise<void>((r) => peer.listen(0, '127.0.0.1', () => r()));

process.on('message', (message: { type: string; count?: number; every?: number }) => {
  if (message.type === 'mem') {
    (globalThis as { gc?: () => void }).gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    send({ type: 'mem', heapUsed, rss });
  } else if (message.type === 'stream') {
    const count = message.count ?? 0;
    let seq = 0;
    const timer = setInterval(() => {
      // Ten events per tick: a training run's batch events arrive in bursts.
      for (let i = 0; i < 10 && seq < count; i++, seq++) {
        server.broadcast('trainingEvent', { type: 'batch', epoch: 0, batch: seq, batches: count, loss: [1 / (seq + 1)], accuracy: [0.5] });
      }
      if (seq >= count) {
        clearInterval(timer);
        send({ type: 'streamed', count });
      }
    }, message.every ?? 2);
  } else if (message.type === 'close') {
    peer.close();
    void server.close().then(() => process.exit(0));
  }
});
send({ type: 'ready', peerPort: (peer.address() as AddressInfo).port, port: server.port, token: server.token, origin: server.origin, docs: join(dir, 'docs') });
