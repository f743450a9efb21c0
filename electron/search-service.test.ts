/** The search channels over the browser-mode transport: a real (tiny) search in the search worker, kept and listed. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SearchEvent } from '../contract/search';
import { performCommands } from '../engine/commands/perform';
import { tinyCnn } from '../engine/node/train/test-fixtures';
import { startBrowserServer, TOKEN_HEADER } from './browser-server';
import { useTestServer } from './test-server';

const host = useTestServer('layerloom-search-');
const api = host.api;

const searchable = () => performCommands(tinyCnn(), [
  { kind: 'setSearchParam', nodeId: 'conv', param: 'filters', values: [2, 4, 512] },
  { kind: 'setSearch', search: { budget: 3, batches: 1, method: 'random', constraints: { maxParams: 100_000 } } },
]);

function listen(): { ws: WebSocket; events: SearchEvent[]; done: Promise<SearchEvent> } {
  const ws = new WebSocket(`ws://127.0.0.1:${host.server.port}/events?token=${host.server.token}`, { origin: host.server.origin });
  const events: SearchEvent[] = [];
  const done = new Promise<SearchEvent>((resolve) => ws.on('message', (data) => {
    const { channel, payload } = JSON.parse(String(data)) as { channel: string; payload: SearchEvent };
    if (channel !== 'searchEvent') return;
    events.push(payload);
    if (payload.type === 'finished' || payload.type === 'error') resolve(payload);
  }));
  return { ws, events, done };
}

describe('architecture search over the browser-mode transport', () => {
  it('runs the design\'s search in the worker, streams each candidate, keeps it and lists it again', async () => {
    const { ws, events, done } = listen();
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
    const started = await api('searchStart', { document: searchable(), backend: 'cpu', overrides: { limitTrain: 64, limitTest: 32, batchSize: 16 } });
    expect(started.ok).toBe(true);
    const searchId = String(started.value?.searchId);
    const outDir = String(started.value?.outDir);
    expect(outDir).toBe(join(host.dir, 'docs', 'LayerLoom runs', 'searches', searchId));
    expect(await api('searchStart', { document: searchable() })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/already in progress/), detail: { code: 'search-busy' } } });
    const last = await done;
    ws.close();
    expect(last).toMatchObject({ type: 'finished', status: 'completed', best: expect.any(String) });
    const drawn = events.find((e) => e.type === 'drawn') as Extract<SearchEvent, { type: 'drawn' }>;
    expect(drawn.candidates).toHaveLength(3);
    const big = drawn.candidates.find((c) => c.choice['conv.filters'] === 512)!;
    expect(big.rejected).toMatch(/parameters > 100,000/);
    const trained = events.filter((e) => e.type === 'trained') as Array<Extract<SearchEvent, { type: 'trained' }>>;
    expect(trained.map((e) => e.id).sort()).toEqual(drawn.candidates.filter((c) => !c.rejected).map((c) => c.id).sort());
    for (const t of trained) expect(existsSync(join(outDir, t.run, 'run.json'))).toBe(true);
    expect(existsSync(join(outDir, 'search.json'))).toBe(true);

    // Kept like runs: listed (not among the training runs), and readable with every event, by a fresh host too.
    const summary = { searchId, design: 'tiny-cnn', method: 'random', status: 'completed', candidates: 3, trained: 2 };
    expect((await api('searchList', {})).value).toMatchObject({ searches: [summary] });
    expect(((await api('trainingRuns', {})).value as { runs: unknown[] }).runs).toEqual([]);
    const fresh = await startBrowserServer({ rendererDir: join(host.dir, 'renderer'), userDataDir: join(host.dir, 'user'), documentsDir: join(host.dir, 'docs'), version: 't' });
    try {
      const res = await fetch(`${fresh.origin}/api/searchGet`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: fresh.token }, body: JSON.stringify({ searchId }) });
      const got = (await res.json()) as { value: { summary: unknown; events: SearchEvent[] } };
      expect(got.value.summary).toMatchObject(summary);
      expect(got.value.events).toEqual(events);
    } finally {
      await fresh.close();
    }
    expect(await api('searchGet', { searchId: '..' })).toMatchObject({ ok: false });
  }, 120_000);

  it('refuses a design that marks nothing searchable, naming the field', async () => {
    expect(await api('searchStart', { document: tinyCnn() })).toMatchObject({ ok: false, error: { code: 'invalid-request', path: 'document.search', message: 'document.search: no param is marked searchable; mark some in the inspector first', detail: { code: 'search-nothing-marked' } } });
  });

  it('stops a search: no further candidate is trained and it is kept as stopped', async () => {
    const { ws, done } = listen();
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
    const doc = performCommands(searchable(), [{ kind: 'setSearch', search: { batches: 50, constraints: { maxParams: undefined } } }]);
    const started = await api('searchStart', { document: doc, backend: 'cpu', overrides: { limitTrain: 2000, limitTest: 32, batchSize: 16 } });
    expect(started.ok).toBe(true);
    expect(await api('searchStop', {})).toMatchObject({ ok: true, value: { running: true } });
    const last = await done;
    ws.close();
    expect(last).toMatchObject({ type: 'finished', status: 'stopped' });
    const list = (await api('searchList', {})).value as { searches: Array<{ searchId: string; status: string; trained: number }> };
    expect(list.searches.find((s) => s.searchId === started.value?.searchId)).toMatchObject({ status: 'stopped', trained: 0 });
  }, 120_000);
});
