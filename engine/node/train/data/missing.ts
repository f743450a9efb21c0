import { DesignError } from '../../../errors';
import { errorDetailEnglish, type TrainingErrorDetail } from '../../../messages';

/** The error for a dataset folder that does not exist, with its translatable detail. */
export function datasetMissing(dir: string): DesignError {
  const detail: TrainingErrorDetail = { code: 'dataset-missing', values: { dir } };
  return new DesignError('data-mismatch', errorDetailEnglish(detail), 'dataset', undefined, detail);
}
