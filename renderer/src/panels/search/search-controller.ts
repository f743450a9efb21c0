/**
 * Wires the search tab to the host: `searchEvent`s fold into the store's view as they arrive, Start/Stop go out
 * as host calls, a reload re-attaches to a live search (its events replayed), and a past search opens by replaying
 * its kept log. "Apply to canvas" sets a candidate's params on the design as one undo step.
 */
import type { SearchEvent } from '../../../../contract/search';
import { searchKeyOf, type EditCommand } from '../../engine';
import { getHostClient, HostCallError } from '../../host';
import { t } from '../../i18n';
import { errorDetailText } from '../../i18n/messages';
import { useEditor } from '../../store';
import { parseDatasetText } from '../training/dataset-spec';
import { applySearchEvent, beginSearch, isSearchActive, type SearchView } from './search-view';

/** A failed host call in the interface language (by the host's code + values when it gave them). */
function message(err: unknown): string {
  return err instanceof HostCallError ? errorDetailText(err) : t('common.hostUnreachable', { reason: (err as Error)?.message ?? String(err) });
}

const update = (f: (v: SearchView) => SearchView) => useEditor.setState((s) => ({ searchView: f(s.searchView) }));

let started = false;

/** Listens to search events and re-attaches to a live search; call once when the app mounts. */
export function startSearchController(): () => void {
  if (started) return () => undefined;
  started = true;
  let off: (() => void) | undefined;
  try {
    off = getHostClient().on('searchEvent', (e: SearchEvent) => {
      const shown = useEditor.getState().searchView;
      if (!isSearchActive(shown.phase)) {
        // A search started elsewhere (another window) takes over the view from its first event; the rest of a
        // search this page is not showing is ignored (a kept one is open instead).
        if (e.type !== 'drawn') return;
        useEditor.setState({ searchView: applySearchEvent(beginSearch(null), e), searchSelected: null });
        void getHostClient().call('searchStatus', {}).then((st) => update((v) => ({ ...v, searchId: st.searchId ?? v.searchId })), () => undefined);
      } else {
        update((v) => applySearchEvent(v, e));
      }
      if (e.type === 'finished' || e.type === 'error') void refreshSearches();
    });
  } catch {
    return () => undefined; // no host: nothing to search with
  }
  void (async () => {
    try {
      const status = await getHostClient().call('searchStatus', {});
      if (!status.searchId) return;
      useEditor.setState({ searchView: status.events.reduce(applySearchEvent, beginSearch(status.searchId)) });
    } catch {
      // an older or unreachable host: the tab starts idle
    }
  })();
  return () => {
    off?.();
    started = false;
  };
}

/**
 * Starts a search of the editor's design with its stored space, method and budget, on the training panel's
 * dataset. `overrides` reach every candidate's training (the e2e spec caps the data with them).
 */
export async function startSearch(overrides: Record<string, number> = {}): Promise<boolean> {
  const s = useEditor.getState();
  const doc = s.doc;
  useEditor.setState({ searchView: beginSearch(null), searchSelected: null });
  try {
    const { searchId } = await getHostClient().call('searchStart', {
      document: doc as unknown as Record<string, unknown>,
      dataset: parseDatasetText(doc.training.dataset),
      overrides,
      backend: s.trainingBackend === 'torch' ? 'auto' : s.trainingBackend,
    });
    update((v) => ({ ...v, searchId }));
    void refreshSearches();
    return true;
  } catch (err) {
    // The view keeps the host's English and its detail: the tab writes it in the language shown at the time.
    const refused = err instanceof HostCallError ? { message: err.message, ...(err.detail ? { detail: err.detail } : {}) } : { message: message(err) };
    update((v) => applySearchEvent(v, { type: 'error', ...refused }));
    return false;
  }
}

/** Stops the live search: the training in progress ends after its step and no other starts. */
export async function stopSearch(): Promise<void> {
  update((v) => (isSearchActive(v.phase) ? { ...v, phase: 'stopping' } : v));
  try {
    await getHostClient().call('searchStop', {});
  } catch (err) {
    useEditor.getState().showToast('error', message(err));
  }
}

/** Reloads the list of past searches. */
export async function refreshSearches(): Promise<void> {
  try {
    const { searches } = await getHostClient().call('searchList', {});
    useEditor.setState({ searchList: searches });
  } catch {
    // keep the list it had
  }
}

/** Opens a past search from its kept events (not while one runs: the live one owns the view). */
export async function openSearch(searchId: string): Promise<void> {
  if (isSearchActive(useEditor.getState().searchView.phase)) return;
  try {
    const { events } = await getHostClient().call('searchGet', { searchId });
    useEditor.setState({ searchView: { ...events.reduce(applySearchEvent, beginSearch(searchId)), phase: 'finished' }, searchSelected: null });
  } catch (err) {
    useEditor.getState().showToast('error', message(err));
  }
}

/** The commands that give the design a candidate's params (one `setParams` per searched param). */
export function candidateCommands(view: SearchView, id: string): EditCommand[] {
  const c = view.candidates.find((x) => x.id === id);
  if (!c || !view.space) return [];
  const doc = useEditor.getState().doc;
  return view.space.params.flatMap((p) => {
    const node = doc.nodes.find((n) => n.id === p.node || n.name === p.node);
    const key = searchKeyOf(p);
    return node && key in c.choice ? [{ kind: 'setParams' as const, nodeId: node.id, params: { [p.param]: c.choice[key] } }] : [];
  });
}

/** Applies a candidate to the canvas as one undo step; false (with the reason shown) when a node is gone. */
export function applyCandidate(id: string): boolean {
  const s = useEditor.getState();
  const commands = candidateCommands(s.searchView, id);
  if (commands.length === 0) {
    s.showToast('error', t('search:details.gone', { id }));
    return false;
  }
  const ok = s.dispatch(commands);
  if (ok) s.showToast('info', t('search:details.applied', { id }));
  return ok;
}
