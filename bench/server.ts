/**
 * `npm run bench:server`: the browser-mode server (its own process) under 200 concurrent clients × 50
 * requests each on 127.0.0.1 — small API calls (appInfo, recent files, training status, reads and writes of a
 * small design) mixed with 10 MB document writes — while a training-event stream goes to a WebSocket client.
 * Checks: every legitimate request answered `ok` (reads return what was written; each 10 MB file holds the
 * last text written), every event received once and in order. Prints throughput, p50/p99 latency (small calls
 * and 10 MB writes apart) and the server's heap and RSS after a GC at the end of each round (flat = no growth
 * from round to round), then the same number of small calls against a peer: a bare node:http server answering
 * a small JSON in the same process, with the ratio. Loopback only; loops are bounded. Exits 1 on any failure.
 *
 * Options: --clients 200 --requests 50 --rounds 3 --events 5000 --big-mb 10
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values } = parseArgs({ options: {
  clients: { type: 'string', default: '200' }, requests: { type: 'string', default: '50' }, rounds: { type: 'string', default: '3' },
  events: { type: 'string', default: '5000' }, 'big-mb': { type: 'string', default: '10' },
} });
const CLIENTS = Number(values.clients);
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const EVENTS = Number(values.events);
const BIG_BYTES = Number(values['big-mb']) * 1024 * 1024;

interface Ready { type: 'ready'; peerPort: number; port: number; token: string; origin: string; docs: string }
interface Mem { type: 'mem'; heapUsed: number; rss: number }

const dir = await mkdtemp(join(tmpdir(), 'layerloom-bench-server-'));
const child = fork(fileURLToPath(new URL('./server-child.ts', import.meta.url)), [dir], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const messages: { type: string }[] = [];
const waiters: (() => void)[] = [];
child.on('message', (m: { type: string }) => { messages.push(m); waiters.splice(0).forEach((w) => w()); });
/** The next child message of `type` (bounded wait). */
async function next<T>(type: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const i = messages.findIndex((m) => m.type === type);
    if (i >= 0) return messages.splice(i, 1)[0] as T;
    if (Date.now() > deadline) throw new Error(`bench: no '${type}' from the server process within ${timeoutMs} ms`);
    await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 1000); });
  }
}
const ready = await next<Ready>('ready');
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(ready.origin)) throw new Error(`bench: refusing to load a non-loopback server ${ready.origin}`);
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS + 8 });

interface Reply { status: number; body: string; ms: number }
function call(channel: string, body: unknown, port = ready.port): Promise<Reply> {
  const data = Buffer.from(JSON.stringify(body));
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: `/api/${channel}`, method: 'POST', agent, headers: {
      'content-type': 'application/json', 'content-length': data.length, 'x-layerloom-token': ready.token, origin: ready.origin,
    } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
    });
    req.on('error', (err) => resolve({ status: 0, body: err.message, ms: performance.now() - started }));
    req.end(data);
  });
}

const percentile = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN; };
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const failures: string[] = [];
const small = '{"format":"layerloom.design","name":"small"}';
await call('writeDocument', { path: 'shared.json', text: small });

/** One round: every client runs its requests one after another; all clients at once; the event stream alongside. */
async function round(index: number): Promise<{ wall: number; smallMs: number[]; bigMs: number[]; events: number }> {
  const ws = new WebSocket(`ws://127.0.0.1:${ready.port}/events?token=${ready.token}`, { origin: ready.origin });
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  let expected = 0;
  ws.on('message', (raw) => {
    const { payload } = JSON.parse(String(raw)) as { payload: { batch: number } };
    if (payload.batch !== expected) failures.push(`round ${index}: event ${payload.batch} arrived when ${expected} was due`);
    expected = payload.batch + 1;
  });
  const smallMs: number[] = [];
  const bigMs: number[] = [];
  const lastBig = new Map<string, string>();
  const started = performance.now();
  child.send({ type: 'stream', count: EVENTS, every: 2 });
  await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
    for (let r = 0; r < REQUESTS; r++) {
      if (c % 40 === 0 && r % 10 === 5) {
        const path = `big-${c}.json`;
        const text = JSON.stringify({ format: 'layerloom.design', round: index, r, pad: 'x'.repeat(BIG_BYTES - 80) });
        const reply = await call('writeDocument', { path, text });
        bigMs.push(reply.ms);
        if (reply.status !== 200 || !JSON.parse(reply.body).ok) failures.push(`client ${c} 10 MB write: ${reply.status} ${reply.body.slice(0, 200)}`);
        lastBig.set(path, text);
        continue;
      }
      const op = (c + r) % 5;
      const [channel, body] = op === 0 ? ['appInfo', {}] : op === 1 ? ['recentFilesGet', {}] : op === 2 ? ['trainingStatus', {}]
        : op === 3 ? ['readDocument', { path: 'shared.json' }] : ['writeDocument', { path: `client-${c}.json`, text: `{"client":${c},"r":${r}}` }];
      const reply = await call(channel, body);
      smallMs.push(reply.ms);
      const parsed = reply.status === 200 ? JSON.parse(reply.body) : null;
      if (!parsed?.ok) failures.push(`client ${c} ${channel}: ${reply.status} ${reply.body.slice(0, 200)}`);
      else if (channel === 'readDocument' && parsed.value.text !== small) failures.push(`client ${c} read back other text`);
    }
  }));
  const wall = performance.now() - started;
  await next('streamed');
  const deadline = Date.now() + 30_000;
  while (expected < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (expected !== EVENTS) failures.push(`round ${index}: ${expected} of ${EVENTS} events received`);
  ws.close();
  for (const [path, text] of lastBig) if ((await readFile(join(ready.docs, path), 'utf8')) !== text) failures.push(`${path}: not the last text written`);
  return { wall, smallMs, bigMs, events: expected };
}

/** The peer round: the same number of small calls against a bare node:http JSON server in the same process. */
async function peerRound(): Promise<{ wall: number; ms: number[] }> {
  const ms: number[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    for (let r = 0; r < REQUESTS; r++) {
      const reply = await call('appInfo', {}, ready.peerPort);
      ms.push(reply.ms);
      if (reply.status !== 200) failures.push(`peer: ${reply.status} ${reply.body.slice(0, 100)}`);
    }
  }));
  return { wall: performance.now() - started, ms };
}

console.log(`bench:server  ${CLIENTS} clients × ${REQUESTS} requests on ${ready.origin}, ${EVENTS} training events per round, 10 MB writes of ${mb(BIG_BYTES)}`);
const mem0 = await (child.send({ type: 'mem' }), next<Mem>('mem'));
console.log(`  server before:  heap ${mb(mem0.heapUsed)}  rss ${mb(mem0.rss)}`);
let lastRate = NaN;
let lastP50 = NaN;
for (let i = 0; i < ROUNDS; i++) {
  const r = await round(i);
  lastRate = (r.smallMs.length + r.bigMs.length) / (r.wall / 1000);
  lastP50 = percentile(r.smallMs, 50);
  const mem = await (child.send({ type: 'mem' }), next<Mem>('mem'));
  const total = r.smallMs.length + r.bigMs.length;
  console.log(`  round ${i + 1}: ${total} requests in ${(r.wall / 1000).toFixed(2)} s = ${(total / (r.wall / 1000)).toFixed(0)} req/s; ` +
    `small p50 ${percentile(r.smallMs, 50).toFixed(1)} ms p99 ${percentile(r.smallMs, 99).toFixed(1)} ms; ` +
    `${r.bigMs.length} × 10 MB writes p50 ${percentile(r.bigMs, 50).toFixed(0)} ms p99 ${percentile(r.bigMs, 99).toFixed(0)} ms; ` +
    `events ${r.events}/${EVENTS} in order; server after GC: heap ${mb(mem.heapUsed)} rss ${mb(mem.rss)}`);
}
const peer = await peerRound();
const peerRate = peer.ms.length / (peer.wall / 1000);
console.log(`  peer (bare node:http JSON answer, same process, ${peer.ms.length} small calls, no writes or events): ${peerRate.toFixed(0)} req/s; ` +
  `p50 ${percentile(peer.ms, 50).toFixed(1)} ms p99 ${percentile(peer.ms, 99).toFixed(1)} ms`);
console.log(`  LayerLoom last round / peer: throughput ${(lastRate / peerRate).toFixed(2)}×, small-call p50 ${(lastP50 / percentile(peer.ms, 50)).toFixed(1)}× (LayerLoom's round also carries the 10 MB writes and the event stream)`);
child.send({ type: 'close' });
await new Promise((r) => child.once('exit', r));
agent.destroy();
await rm(dir, { recursive: true, force: true });
if (failures.length) {
  console.log(`FAILED: ${failures.length} problems, first: ${failures.slice(0, 5).join(' | ')}`);
  process.exit(1);
}
console.log('  no failed request, no event lost or reordered');
