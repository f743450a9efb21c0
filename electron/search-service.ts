/**
 * The search panel's host service: starts an architecture search in the search worker (a child process,
 * `engine/node/search/worker.ts` under tsx, forked on first use like the training worker), relays its events to
 * the transport, and keeps every search in the runs folder as `searches/<id>/` — `design.json`, `events.jsonl`
 * (every event, so the panel redraws a past search exactly), `search.json` (what `layerloom search` writes too) and
 * one run folder per candidate training. A crashed worker ends the live search with an error event; the host lives on.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostError, type InvokeRequest, type InvokeResponse } from '../contract/host-contract';
import { parseSearchEvent, searchCommandSchema, searchEventSchema, type SearchCommand, type SearchEvent, type SearchSummary } from '../contract/search';
import { writeFileAtomic } from '../engine/node/fs-atomic';
import { DesignError } from '../engine/errors';
import { errorDetailEnglish, internalError, type ErrorDetail } from '../engine/messages';
import { parseDocument } from '../engine/schema/load';
import { documentSpace } from '../engine/search/space';
import { confineDatasetSpec } from './training/dataset-preview';
import type { PathGuard } from './path-guard';
import { SEARCHES_FOLDER } from './run-history';

/** Where the worker entry lives (TypeScript, run through tsx's loader). */
export const SEARCH_WORKER_ENTRY = fileURLToPath(new URL('../engine/node/search/worker.ts', import.meta.url));

/** Options of `createSearchService`. */
export interface SearchServiceOptions {
  /** The runs folder; searches go in its `searches/` folder. */
  runsDir: string;
  /** Where relative dataset paths resolve. */
  documentsDir: string;
  /** Receives every search event (validated). */
  emit: (event: SearchEvent) => void;
  workerEntry?: string;
  /** Confines dataset folders to the folders the user chose (browser mode; see `confineDatasetSpec`). */
  datasetGuard?: PathGuard;
}

/** The service's handlers. */
export interface SearchService {
  start(request: InvokeRequest<'searchStart'>): Promise<InvokeResponse<'searchStart'>>;
  stop(): Promise<InvokeResponse<'searchStop'>>;
  status(): Promise<InvokeResponse<'searchStatus'>>;
  list(): Promise<InvokeResponse<'searchList'>>;
  get(request: InvokeRequest<'searchGet'>): Promise<InvokeResponse<'searchGet'>>;
  /** Kills the worker. */
  dispose(): Promise<void>;
}

interface LiveSearch {
  searchId: string;
  design: string;
  events: SearchEvent[];
  log: WriteStream;
}

const EVENTS_FILE = 'events.jsonl';

/** A refused search start, in English (prefixed by the field at fault) and by code + values for the app. */
function refusedBy(detail: ErrorDetail, path?: string): HostError {
  const english = errorDetailEnglish(detail);
  return new HostError('invalid-request', path ? `${path}: ${english}` : english, path, detail);
}

/** A search's summary from its events; `live` says whether it is running now. */
export function summarizeSearch(searchId: string, design: string, events: readonly SearchEvent[], live: boolean): SearchSummary {
  const drawn = events.find((e) => e.type === 'drawn');
  const finished = events.find((e) => e.type === 'finished');
  const accuracy = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'trained') accuracy.set(e.id, e.accuracy);
    else if (e.type === 'failed') accuracy.delete(e.id);
  }
  const status = live ? 'running' : finished?.type === 'finished' ? finished.status : events.some((e) => e.type === 'error') ? 'failed' : 'interrupted';
  return {
    searchId, design, status,
    method: drawn?.type === 'drawn' ? drawn.method : null,
    candidates: drawn?.type === 'drawn' ? drawn.candidates.length : 0,
    trained: accuracy.size,
    bestAccuracy: accuracy.size ? Math.max(...accuracy.values()) : null,
  };
}

/** Every well-formed event of a search's log (a torn last line from a crash is skipped). */
async function readEvents(dir: string): Promise<SearchEvent[]> {
  let text = '';
  try {
    text = await readFile(join(dir, EVENTS_FILE), 'utf8');
  } catch {
    return [];
  }
  const out: SearchEvent[] = [];
  for (const line of text.split('\n')) {
    try {
      const parsed = line ? searchEventSchema.safeParse(JSON.parse(line)) : null;
      if (parsed?.success) out.push(parsed.data);
    } catch {
      // a line cut short by a crash
    }
  }
  return out;
}

async function designName(dir: string): Promise<string> {
  try {
    const doc = JSON.parse(await readFile(join(dir, 'design.json'), 'utf8')) as { name?: unknown };
    return typeof doc.name === 'string' ? doc.name : '?';
  } catch {
    return '?';
  }
}

/** Creates the search service; the worker starts with the first search. */
export function createSearchService(options: SearchServiceOptions): SearchService {
  const searchesDir = resolve(options.runsDir, SEARCHES_FOLDER);
  let child: ChildProcess | null = null;
  let ready = false;
  let queue: SearchCommand[] = [];
  let stderrTail = '';
  let live: LiveSearch | null = null;

  const record = (event: SearchEvent) => {
    const current = live;
    if (current) {
      current.events.push(event);
      current.log.write(JSON.stringify(event) + '\n');
      if (event.type === 'finished' || event.type === 'error') {
        live = null;
        current.log.end();
      }
    }
    options.emit(event);
  };

  const send = (command: SearchCommand) => {
    if (ready && child?.connected) child.send(command);
    else queue.push(command);
  };

  function worker(): void {
    if (child) return;
    ready = false;
    stderrTail = '';
    const c = fork(options.workerEntry ?? SEARCH_WORKER_ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    child = c;
    c.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-2000);
    });
    c.on('message', (raw) => {
      if (!ready) {
        ready = true;
        for (const cmd of queue.splice(0)) c.send(cmd);
      }
      if ((raw as { ready?: unknown })?.ready === true) return;
      const parsed = parseSearchEvent(raw);
      record(parsed.ok ? parsed.value : { type: 'error', ...internalError(`the search worker sent an invalid event (${parsed.error})`) });
    });
    const gone = (message: string) => {
      if (child !== c) return;
      child = null;
      queue = [];
      if (live) record({ type: 'error', ...internalError(message) });
    };
    c.on('error', (err) => gone(`could not run the search worker: ${err.message}`));
    c.on('exit', (code, signal) => {
      const detail = stderrTail.trim().split('\n').slice(-3).join(' | ');
      gone(`the search worker ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${detail ? `: ${detail}` : ''}`);
    });
  }

  const searchDir = (searchId: string) => {
    const dir = resolve(searchesDir, searchId);
    if (!dir.startsWith(searchesDir + sep)) throw new HostError('bad-path', `${searchId}: not a search`, 'searchId');
    return dir;
  };

  return {
    async start(request) {
      if (live) throw refusedBy({ code: 'search-busy', values: {} });
      let doc;
      try {
        doc = parseDocument(request.document);
      } catch (err) {
        throw new HostError('invalid-request', `document: ${(err as DesignError).message}`, 'document');
      }
      const space = documentSpace(doc);
      if (!space || !doc.search) throw refusedBy({ code: 'search-nothing-marked', values: {} }, 'document.search');
      const searchId = new Date().toISOString().replace(/[:.]/g, '-');
      const outDir = join(searchesDir, searchId);
      const command = searchCommandSchema.safeParse({
        type: 'start', document: request.document, space, dataset: confineDatasetSpec(request.dataset, options.documentsDir, options.datasetGuard),
        run: { method: doc.search.method, budget: doc.search.budget, batches: doc.search.batches, seed: request.seed },
        overrides: request.overrides, backend: request.backend, outDir,
      });
      if (!command.success) throw new HostError('invalid-request', `search: ${command.error.issues[0].path.join('.')}: ${command.error.issues[0].message}`);
      await mkdir(outDir, { recursive: true });
      await writeFileAtomic(join(outDir, 'design.json'), JSON.stringify(request.document, null, 2) + '\n');
      const log = createWriteStream(join(outDir, EVENTS_FILE), { flags: 'a' });
      log.on('error', () => undefined);
      live = { searchId, design: doc.name, events: [], log };
      worker();
      send(command.data);
      return { searchId, outDir };
    },
    async stop() {
      if (live) send({ type: 'stop' });
      return { running: live !== null };
    },
    async status() {
      return { running: live !== null, searchId: live?.searchId ?? null, design: live?.design ?? null, events: live ? [...live.events] : [] };
    },
    async list() {
      let names: string[] = [];
      try {
        names = (await readdir(searchesDir, { withFileTypes: true })).filter((d) => d.isDirectory() && /^[\w.-]+$/.test(d.name)).map((d) => d.name);
      } catch {
        return { searches: [] };
      }
      const searches = await Promise.all(names.map(async (id) => {
        const isLive = live?.searchId === id;
        const dir = join(searchesDir, id);
        return summarizeSearch(id, await designName(dir), isLive ? live!.events : await readEvents(dir), isLive);
      }));
      return { searches: searches.sort((a, b) => b.searchId.localeCompare(a.searchId)) };
    },
    async get({ searchId }) {
      const dir = searchDir(searchId);
      const isLive = live?.searchId === searchId;
      const events = isLive ? [...live!.events] : await readEvents(dir);
      if (events.length === 0 && !isLive) throw new HostError('not-found', `${searchId}: no such search in ${searchesDir}`, 'searchId');
      return { summary: summarizeSearch(searchId, await designName(dir), events, isLive), events };
    },
    async dispose() {
      const c = child;
      if (!c) return;
      child = null;
      const exited = new Promise<void>((done) => c.once('exit', () => done()));
      c.kill('SIGKILL');
      await exited;
    },
  };
}
