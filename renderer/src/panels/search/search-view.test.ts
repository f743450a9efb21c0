import { describe, expect, it } from 'vitest';
import { parseSearchEvent, type SearchEvent } from '../../../../contract/search';
import { applySearchEvent, beginSearch, isSearchActive, plotData } from './search-view';

const space = { params: [{ node: 'conv', param: 'filters', values: [4, 8, 16, 512] }], constraints: { maxParams: 1000 } };
const cand = (id: string, filters: number, macs: number, rejected: string | null = null) => ({ id, choice: { 'conv.filters': filters }, params: filters * 10, macs, rejected });
const events: SearchEvent[] = [
  { type: 'drawn', method: 'halving', backend: 'cpu', space, candidates: [cand('c1', 4, 100), cand('c2', 8, 200), cand('c3', 16, 400), cand('c4', 512, 9000, '5,120 parameters > 1,000')] },
  { type: 'training', id: 'c1', round: 1, batches: 2 },
  { type: 'trained', id: 'c1', round: 1, batches: 2, accuracy: 0.5, seconds: 1, run: 'c1-r1' },
  { type: 'trained', id: 'c2', round: 1, batches: 2, accuracy: 0.4, seconds: 1, run: 'c2-r1' },
  { type: 'trained', id: 'c3', round: 1, batches: 2, accuracy: 0.7, seconds: 1, run: 'c3-r1' },
  { type: 'training', id: 'c3', round: 2, batches: 4 },
];

describe('the search view', () => {
  it('folds the events: refused candidates kept with their reason, the front recomputed as results arrive', () => {
    const v = events.reduce(applySearchEvent, beginSearch('s1'));
    expect(v.phase).toBe('running');
    expect(isSearchActive(v.phase)).toBe(true);
    expect(v.candidates.find((c) => c.id === 'c4')).toMatchObject({ rejected: '5,120 parameters > 1,000', accuracy: null });
    // c2 costs more than c1 and is less accurate: off the front.
    expect(v.front).toEqual(['c1', 'c3']);
    expect(v.best).toBe('c3');
    expect(v.candidates.find((c) => c.id === 'c3')!.training).toBe(2);
    expect(plotData(v)).toEqual({ ids: ['c1', 'c2', 'c3'], macs: [100, 200, 400], accuracy: [0.5, 0.4, 0.7], front: [0.5, null, 0.7] });
  });

  it('a later, longer training replaces a candidate\'s point; finishing takes the worker\'s front', () => {
    const v = [...events, { type: 'trained', id: 'c3', round: 2, batches: 4, accuracy: 0.8, seconds: 2, run: 'c3-r2' } as SearchEvent, { type: 'finished', status: 'completed', front: ['c1', 'c3'], best: 'c3', seconds: 9 } as SearchEvent].reduce(applySearchEvent, beginSearch('s1'));
    expect(v).toMatchObject({ phase: 'finished', status: 'completed', best: 'c3', seconds: 9 });
    expect(v.candidates.find((c) => c.id === 'c3')).toMatchObject({ accuracy: 0.8, batches: 4, training: null });
  });

  it('a failed training takes the candidate off the plot and the front, with the reason', () => {
    const v = [...events, { type: 'failed', id: 'c3', round: 2, message: 'loss became NaN' } as SearchEvent].reduce(applySearchEvent, beginSearch('s1'));
    expect(v.candidates.find((c) => c.id === 'c3')).toMatchObject({ failed: 'loss became NaN', accuracy: null, training: null });
    expect(v.front).toEqual(['c1']);
    expect(plotData(v).ids).toEqual(['c1', 'c2']);
  });

  it('an error ends the search with its message', () => {
    const v = applySearchEvent(beginSearch(null), { type: 'error', message: 'document.search: no param is marked searchable' });
    expect(v).toMatchObject({ phase: 'failed', error: 'document.search: no param is marked searchable' });
    expect(isSearchActive(v.phase)).toBe(false);
  });

  it('keeps each refusal, failure and error by code + values beside its English, and a saved search without them still loads', () => {
    const refused = { code: 'search-max-params', values: { params: 5120, max: 1000 } };
    const diverged = { code: 'non-finite-loss-first', values: { loss: 'NaN', epoch: 1, batch: 3, lr: '1.00' } };
    const drawn = { ...events[0], candidates: [cand('c1', 4, 100), { ...cand('c4', 512, 9000, '5,120 parameters > 1,000'), rejectedDetail: refused }] } as SearchEvent;
    const v = [drawn, { type: 'failed', id: 'c1', round: 1, message: 'the loss became NaN …', detail: diverged } as SearchEvent].reduce(applySearchEvent, beginSearch('s1'));
    expect(v.candidates.find((c) => c.id === 'c4')).toMatchObject({ rejected: '5,120 parameters > 1,000', rejectedDetail: refused });
    expect(v.candidates.find((c) => c.id === 'c1')).toMatchObject({ failed: 'the loss became NaN …', failedDetail: diverged });
    const busy = { code: 'search-busy', values: {} };
    expect(applySearchEvent(v, { type: 'error', message: 'a search is already in progress; stop it first', detail: busy })).toMatchObject({ phase: 'failed', errorDetail: busy });
    // Events saved before details existed parse as they are: no detail, the English shown.
    expect(parseSearchEvent(events[0]).ok).toBe(true);
    expect(parseSearchEvent({ type: 'failed', id: 'c1', round: 1, message: 'old' })).toEqual({ ok: true, value: { type: 'failed', id: 'c1', round: 1, message: 'old' } });
  });
});
