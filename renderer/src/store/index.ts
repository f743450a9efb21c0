/**
 * The editor's one zustand store, made of slices (zustand's slices pattern): document + history, selection/UI,
 * analysis. Components select narrowly (`useEditor(s => s.x)` or `useShallow`), never the whole state.
 */
import { create } from 'zustand';
import { createAnalysisSlice, type AnalysisSlice } from './analysis-slice';
import { createDocumentSlice, type DocumentSlice } from './document-slice';
import { createInspectSlice, type InspectSlice } from './inspect-slice';
import { createSearchSlice, type SearchSlice } from './search-slice';
import { createTrainingSlice, type TrainingSlice } from './training-slice';
import { createUiSlice, type UiSlice } from './ui-slice';

/** The whole editor state. */
export type EditorState = DocumentSlice & UiSlice & AnalysisSlice & TrainingSlice & InspectSlice & SearchSlice;

/** The store hook; also usable outside React as `useEditor.getState()`. */
export const useEditor = create<EditorState>()((...a) => ({
  ...createDocumentSlice(...a),
  ...createUiSlice(...a),
  ...createAnalysisSlice(...a),
  ...createTrainingSlice(...a),
  ...createInspectSlice(...a),
  ...createSearchSlice(...a),
}));
