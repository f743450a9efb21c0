/**
 * Architecture-search state: the search tab's view (folded from the search's events by
 * panels/search/search-view.ts), the candidate selected in the table or on the plot, and the past searches.
 * The search space itself lives in the document (`doc.search`), edited as undoable commands.
 */
import type { StateCreator } from 'zustand';
import type { SearchSummary } from '../../../contract/search';
import { IDLE_SEARCH, type SearchView } from '../panels/search/search-view';
import type { EditorState } from './index';

/** Search state and actions. */
export interface SearchSlice {
  searchView: SearchView;
  /** The candidate whose params the tab shows (hovered or clicked). */
  searchSelected: string | null;
  searchList: SearchSummary[];
  setSearchSelected(id: string | null): void;
}

export const createSearchSlice: StateCreator<EditorState, [], [], SearchSlice> = (set) => ({
  searchView: IDLE_SEARCH,
  searchSelected: null,
  searchList: [],
  setSearchSelected(searchSelected) {
    set({ searchSelected });
  },
});
