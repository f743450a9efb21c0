/**
 * Inspect panel state: open/tab, the query (which run, node, pinned sample, class) and the last answer from
 * the host's inspect worker. The fetching itself lives in panels/inspect/inspect-controller.ts (latest wins).
 */
import type { StateCreator } from 'zustand';
import type { InspectComputeResponse } from '../../../contract/inspect';
import type { EditorState } from './index';

/** The panel's tabs: the receptive field on a sample (design time), three views of a trained run, and "why". */
export type InspectTab = 'field' | 'kernels' | 'features' | 'cam' | 'why';

/** What the run views ask for. */
export interface InspectQuery {
  runId: string | null;
  /** A layer name; null = the last convolution. */
  layer: string | null;
  sample: number;
  /** CAM class; null = the predicted one. */
  classIndex: number | null;
  /** CAM: which model output (designs with several); null = the first. */
  output: number | null;
}

/** Inspect state and actions. */
export interface InspectSlice {
  inspectOpen: boolean;
  inspectTab: InspectTab;
  inspectQuery: InspectQuery;
  inspectResult: InspectComputeResponse | null;
  inspectBusy: boolean;
  inspectError: string | null;
  setInspectOpen(open: boolean): void;
  setInspectTab(tab: InspectTab): void;
  /** Changes part of the query (a new run forgets the layer and class, which belong to its model). */
  setInspectQuery(patch: Partial<InspectQuery>): void;
  setInspectAnswer(answer: { result?: InspectComputeResponse | null; busy?: boolean; error?: string | null }): void;
}

export const createInspectSlice: StateCreator<EditorState, [], [], InspectSlice> = (set, get) => ({
  inspectOpen: false,
  inspectTab: 'field',
  inspectQuery: { runId: null, layer: null, sample: 0, classIndex: null, output: null },
  inspectResult: null,
  inspectBusy: false,
  inspectError: null,
  setInspectOpen(inspectOpen) {
    set({ inspectOpen });
  },
  setInspectTab(inspectTab) {
    set({ inspectTab, inspectOpen: true });
  },
  setInspectQuery(patch) {
    const q = get().inspectQuery;
    const newRun = patch.runId !== undefined && patch.runId !== q.runId;
    set({ inspectQuery: { ...q, ...(newRun ? { layer: null, classIndex: null, output: null } : {}), ...patch } });
  },
  setInspectAnswer({ result, busy, error }) {
    set({
      ...(result !== undefined ? { inspectResult: result } : {}),
      ...(busy !== undefined ? { inspectBusy: busy } : {}),
      ...(error !== undefined ? { inspectError: error } : {}),
    });
  },
});
