import { DesignError } from '../../../errors';
import { trainingErrorEnglish, type TrainingErrorDetail } from '../../../messages';

/** The error for a dataset folder that does not exist, with its translatable detail. */
export function datasetMissing(dir: string): DesignError {
  const detail: TrainingErrorDetail = { code: 'dataset-missing', values: { dir } };
  return new DesignError('data-mismatch', trainingErrorEnglish(detail), 'dataset', undefined, detail);
}
