/// <reference lib="webworker" />
/**
 * Generates the code panel's text off the main thread: analysis of the design (incremental between requests),
 * then the target's writer with its source map, folded onto the nodes the canvas shows.
 */
import { createAnalyzer } from '../../engine';
import { generateCodeTab } from './generate';
import type { CodeRequest, CodeResult } from './protocol';

const analyzer = createAnalyzer();

self.onmessage = (event: MessageEvent<CodeRequest>) => {
  const result: CodeResult = generateCodeTab(event.data, (doc) => analyzer.update(doc));
  self.postMessage(result);
};
