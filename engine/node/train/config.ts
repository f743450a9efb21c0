/** A run's resolved configuration: the document's training settings with the run's overrides applied. */
import type { TrainingSettings } from '../../schema/document';
import type { OptimizerConfig, ScheduleConfig } from './optim';
import type { TrainingOverrides } from '../../../contract/training-protocol';

/** Everything the loop needs to know about a run, recorded in the run record. */
export interface RunConfig {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  validationSplit: number;
  earlyStoppingPatience: number;
  augment: { flip: boolean; shift: number };
  seed: number;
  limitTrain?: number;
  limitTest?: number;
  maxBatchesPerEpoch?: number;
  /** Knowledge distillation against a teacher run (absent: plain training). */
  distillation?: { teacher: string; temperature: number; alpha: number };
}

/** Applies `o` over the document's `t`. */
export function resolveConfig(t: TrainingSettings, o: TrainingOverrides): RunConfig {
  return {
    epochs: o.epochs ?? t.epochs,
    batchSize: o.batchSize ?? t.batchSize,
    optimizer: {
      type: o.optimizer ?? t.optimizer.type,
      learningRate: o.learningRate ?? t.optimizer.learningRate,
      momentum: o.momentum ?? t.optimizer.momentum,
      nesterov: o.nesterov ?? t.optimizer.nesterov,
      weightDecay: o.weightDecay ?? t.optimizer.weightDecay,
    },
    schedule: { ...t.schedule, type: o.schedule ?? t.schedule.type, warmupEpochs: o.warmupEpochs ?? t.schedule.warmupEpochs },
    validationSplit: o.validationSplit ?? t.validationSplit,
    earlyStoppingPatience: o.earlyStoppingPatience ?? t.earlyStoppingPatience,
    augment: { flip: o.augmentFlip ?? t.augment.flip, shift: o.augmentShift ?? t.augment.shift },
    seed: o.seed ?? t.seed,
    limitTrain: o.limitTrain,
    limitTest: o.limitTest,
    maxBatchesPerEpoch: o.maxBatchesPerEpoch,
    ...distillationOf(t, o),
  };
}

/** The run's distillation: a teacher from the overrides or the document, with their T and alpha (defaults 4, 0.9). */
function distillationOf(t: TrainingSettings, o: TrainingOverrides): Pick<RunConfig, 'distillation'> {
  const teacher = o.teacher ?? t.distillation?.teacher;
  if (!teacher) return {};
  return { distillation: { teacher, temperature: o.temperature ?? t.distillation?.temperature ?? 4, alpha: o.alpha ?? t.distillation?.alpha ?? 0.9 } };
}
