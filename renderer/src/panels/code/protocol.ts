/** Messages between the code panel and its code-generation worker. */
import type { DesignDocument, Diagnostic } from '../../engine';
import type { SourceMap, UnsupportedFeature } from '../../../../engine/codegen';

/** The panel's tabs: the three code targets and the PyTorch export's training script. */
export type CodeTab = 'ts' | 'keras' | 'pytorch' | 'train';

/** Tabs in display order, with their labels, Monaco languages and file names (for save-as). */
export const CODE_TABS: readonly { id: CodeTab; label: string; language: 'typescript' | 'python'; file: string }[] = [
  { id: 'ts', label: 'TypeScript', language: 'typescript', file: 'model.ts' },
  { id: 'keras', label: 'Keras', language: 'python', file: 'model.py' },
  { id: 'pytorch', label: 'PyTorch', language: 'python', file: 'model.py' },
  { id: 'train', label: 'train.py', language: 'python', file: 'train.py' },
];

/** Generate the code of `tab` for `doc`; `seq` numbers requests so stale answers are dropped. */
export interface CodeRequest {
  seq: number;
  doc: DesignDocument;
  tab: CodeTab;
}

/** What a tab shows: code with its canvas source map, the features the target cannot express, or why not. */
export type CodeResult =
  | { kind: 'code'; seq: number; tab: CodeTab; text: string; sourceMap: SourceMap; /** Flat node ids (`<block>/<inner>`): folded onto an opened block's layers. */ flatSourceMap: SourceMap; ms: number }
  | { kind: 'unsupported'; seq: number; tab: CodeTab; features: UnsupportedFeature[]; ms: number }
  /** `message` in English; `error` and `more` (the first error and how many follow) let the panel write it in the interface language. */
  | { kind: 'invalid'; seq: number; tab: CodeTab; message: string; error?: Diagnostic; more?: number; ms: number };
