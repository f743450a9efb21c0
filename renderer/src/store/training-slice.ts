/**
 * Training state: the panel (open, tab), the live run's per-frame summary (fed by panels/training/controller.ts),
 * the backend choice and the run history list. The training settings themselves live in the document
 * (`doc.training`), edited here as undoable steps.
 */
import type { StateCreator } from 'zustand';
import type { BackendChoice } from '../../../contract/training-protocol';
import type { RunSummary } from '../../../contract/training-runs';
import type { DesignDocument } from '../engine';
import type { RunResults } from '../panels/training/results-tab';
import { RunFeed, type RunView } from '../panels/training/run-feed';
import type { EditorState } from './index';

/** The panel's tabs. */
export type TrainingTab = 'setup' | 'curves' | 'results' | 'history' | 'search';

/** The document's training settings. */
export type TrainingSettings = DesignDocument['training'];

/** Training state and actions. */
export interface TrainingSlice {
  trainingOpen: boolean;
  trainingTab: TrainingTab;
  /** The live run (or the last one) as of the last animation frame. */
  trainingRun: RunView;
  /** The design as the live run started: the panel says when the editor's design has moved on. */
  trainingStartDoc: Pick<DesignDocument, 'nodes' | 'edges'> | null;
  trainingBackend: BackendChoice;
  trainingRuns: RunSummary[];
  /** The test results the results tab shows (the last finished run, or one opened from the history). */
  trainingResults: RunResults | null;
  setTrainingOpen(open: boolean): void;
  setTrainingTab(tab: TrainingTab): void;
  setTrainingBackend(backend: BackendChoice): void;
  setTrainingRuns(runs: RunSummary[]): void;
  /** Replaces the document's training settings fields in `patch`, as one undo step (a typing burst coalesces). */
  updateTrainingSettings(patch: Partial<TrainingSettings>, coalesceKey?: string): void;
}

/** The live run's feed (series mutate in place; the store gets its view once per frame). */
export const runFeed = new RunFeed();

export const createTrainingSlice: StateCreator<EditorState, [], [], TrainingSlice> = (set, get) => ({
  trainingOpen: false,
  trainingTab: 'setup',
  trainingRun: runFeed.view(),
  trainingStartDoc: null,
  trainingBackend: 'auto',
  trainingRuns: [],
  trainingResults: null,
  setTrainingOpen(trainingOpen) {
    set({ trainingOpen });
  },
  setTrainingTab(trainingTab) {
    set({ trainingTab, trainingOpen: true });
  },
  setTrainingBackend(trainingBackend) {
    set({ trainingBackend });
  },
  setTrainingRuns(trainingRuns) {
    set({ trainingRuns });
  },
  updateTrainingSettings(patch, coalesceKey) {
    // An engine command like every edit: validated, one undo step per typing burst.
    get().dispatch({ kind: 'setTraining', training: patch }, { coalesce: `training:${coalesceKey ?? Object.keys(patch).join(',')}` });
  },
});
