import { DOCUMENT_FORMAT, DOCUMENT_VERSION, type DesignDocument } from '../engine';

/** A new, empty design with default training settings (filled in by the schema's defaults). */
export function emptyDocument(name = 'Untitled'): DesignDocument {
  return {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    name,
    description: '',
    source: '',
    nodes: [],
    edges: [],
    composites: [],
    training: {
      optimizer: { type: 'adam', learningRate: 0.001, momentum: 0.9, nesterov: false, weightDecay: 0 },
      schedule: { type: 'constant', warmupEpochs: 0, stepEpochs: 10, gamma: 0.1 },
      batchSize: 64,
      epochs: 5,
      validationSplit: 0.1,
      earlyStoppingPatience: 0,
      augment: { flip: false, shift: 0 },
      dataset: 'default',
      seed: 42,
    },
  };
}
