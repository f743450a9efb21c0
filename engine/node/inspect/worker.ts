/**
 * The inspect worker: a child process the host forks (electron/inspect-service.ts) so that loading a model and
 * computing Grad-CAM never block the host's main thread (which serves the page and relays training events).
 * Messages: `{ id, dir, request }` in, `{ id, ok: true, value }` or `{ id, ok: false, code, message }` out.
 */
import * as tf from '@tensorflow/tfjs';
import type { InspectComputeRequest } from '../../../contract/inspect';
import { DesignError } from '../../errors';
import { useInspectBackend } from './backend';
import { computeInspect, InspectCache } from './compute';

/** A request from the host. */
export interface InspectWorkerRequest {
  id: number;
  dir: string;
  request: InspectComputeRequest;
}

/** The worker's reply. */
export type InspectWorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; code: 'not-found' | 'invalid-request' | 'io-error'; message: string };

await useInspectBackend(tf);
const cache = new InspectCache(tf);
// One request at a time, in order: the panel only ever waits for its latest.
let queue = Promise.resolve();

process.on('message', (msg: InspectWorkerRequest) => {
  queue = queue.then(async () => {
    let reply: InspectWorkerReply;
    try {
      reply = { id: msg.id, ok: true, value: await computeInspect(tf, cache, msg.dir, msg.request) };
    } catch (err) {
      if (err instanceof DesignError) {
        const code = err.code === 'invalid-document' ? 'not-found' : 'invalid-request';
        reply = { id: msg.id, ok: false, code, message: err.message };
      } else {
        reply = { id: msg.id, ok: false, code: 'io-error', message: `inspection failed: ${(err as Error)?.message ?? String(err)}` };
      }
    }
    process.send?.(reply);
  });
});
process.send?.({ id: 0, ok: true, value: 'ready' });
