import { describe, expect, it } from 'vitest';
import { parseDocument, type DesignDocument } from '../engine';
import type { AnalysisDelta } from './delta';
import { INITIAL_STATE, step, type Route, type RunnerEvent, type RunnerState } from './runner-machine';

const doc = (name: string, size = 1): DesignDocument =>
  parseDocument({
    format: 'layerloom.design',
    version: 1,
    name,
    nodes: Array.from({ length: size }, (_, i) => ({ id: `n${i}`, type: 'Input', name: `n${i}`, params: {}, position: { x: 0, y: 0 } })),
    edges: [],
  });
const delta = { nodes: {} } as unknown as AnalysisDelta;
/** Documents named `big*` go to the worker. */
const route = (d: DesignDocument): Route => (d.name.startsWith('big') ? 'worker' : 'local');

function run(events: RunnerEvent[], from: RunnerState = INITIAL_STATE) {
  let state = from;
  const effects: string[] = [];
  for (const e of events) {
    const r = step(state, e, route);
    state = r.state;
    effects.push(...r.effects.map((x) => (x.type === 'post' ? `post:${x.request.kind}:${x.request.seq}${x.request.fresh ? ':fresh' : ''}` : x.type === 'analyse-locally' ? `local${x.fresh ? ':fresh' : ''}` : x.type)));
  }
  return { state, effects };
}

describe('analysis runner state machine', () => {
  it('idle -> local -> idle: a small design is analysed on the main thread, then waiters are released', () => {
    const r = run([{ type: 'request', doc: doc('small') }]);
    expect(r.state.phase).toBe('local');
    expect(r.effects).toEqual(['local:fresh']);
    const done = run([{ type: 'local-done' }], r.state);
    expect(done.state).toMatchObject({ phase: 'idle', shownBy: 'local', pending: null });
    expect(done.effects).toEqual(['settled']);
    // The next local result is a delta against the last one.
    expect(run([{ type: 'request', doc: doc('small2') }], done.state).effects).toEqual(['local']);
  });

  it('idle -> worker: the first request loads the whole document, later ones send patches; latest wins while in flight', () => {
    const a = doc('big-a');
    const r = run([
      { type: 'request', doc: a },
      { type: 'request', doc: doc('big-b') },
      { type: 'request', doc: doc('big-c') },
    ]);
    expect(r.effects).toEqual(['post:load:1:fresh']);
    expect(r.state).toMatchObject({ phase: 'worker', inFlight: { seq: 1, doc: a } });
    expect(r.state.pending?.name).toBe('big-c');
    const answered = run([{ type: 'worker-result', seq: 1, delta, ms: 3 }], r.state);
    expect(answered.effects).toEqual(['show', 'post:patch:2']);
    expect(answered.state).toMatchObject({ phase: 'worker', shownBy: 'worker', pending: null });
    expect(run([{ type: 'worker-result', seq: 2, delta, ms: 3 }], answered.state).effects).toEqual(['show', 'settled']);
  });

  it('worker -> idle on an error: reported, and the next request reloads the whole document as fresh', () => {
    const inFlight = run([{ type: 'request', doc: doc('big-a') }, { type: 'worker-result', seq: 1, delta, ms: 1 }, { type: 'request', doc: doc('big-b') }]);
    const failed = run([{ type: 'worker-error', message: 'boom' }], inFlight.state);
    expect(failed.effects).toEqual(['report', 'settled']);
    expect(failed.state).toMatchObject({ phase: 'idle', workerDoc: null, shownBy: null, inFlight: null });
    expect(run([{ type: 'request', doc: doc('big-c') }], failed.state).effects).toEqual(['post:load:3:fresh']);
  });

  it('worker crash: the document in flight is analysed again (whole), or the newer pending one', () => {
    const inFlight = run([{ type: 'request', doc: doc('big-a') }]);
    const crashed = run([{ type: 'worker-crashed' }], inFlight.state);
    expect(crashed.effects).toEqual(['post:load:2:fresh']);
    expect(crashed.state.inFlight?.doc.name).toBe('big-a');
    const withPending = run([{ type: 'request', doc: doc('small-after') }, { type: 'worker-crashed' }], inFlight.state);
    expect(withPending.effects).toEqual(['local:fresh']);
  });

  it('an answer to another request is dropped and the next worker result is a fresh one', () => {
    const inFlight = run([{ type: 'request', doc: doc('big-a') }]);
    const stale = run([{ type: 'worker-result', seq: 99, delta, ms: 1 }], inFlight.state);
    expect(stale.effects).toEqual(['settled']);
    expect(stale.state.phase).toBe('idle');
    expect(run([{ type: 'request', doc: doc('big-b') }], stale.state).effects).toEqual(['post:patch:2:fresh']);
  });

  it('switching between main thread and worker never merges one side\'s delta into the other\'s result', () => {
    const r = run([
      { type: 'request', doc: doc('big-a') },
      { type: 'worker-result', seq: 1, delta, ms: 1 },
      { type: 'request', doc: doc('small') },
    ]);
    expect(r.effects.at(-1)).toBe('local:fresh');
    const back = run([{ type: 'local-done' }, { type: 'request', doc: doc('big-b') }], r.state);
    expect(back.effects).toEqual(['settled', 'post:patch:3:fresh']);
  });

  it('ignores events that do not belong to the current phase', () => {
    const idle = INITIAL_STATE;
    expect(step(idle, { type: 'local-done' }, route)).toEqual({ state: idle, effects: [] });
    expect(step(idle, { type: 'worker-result', seq: 1, delta, ms: 1 }, route)).toEqual({ state: idle, effects: [] });
  });
});
