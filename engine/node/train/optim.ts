/**
 * Optimizers and learning-rate schedules for the training loop. SGD (momentum, Nesterov), Adam and RMSprop are
 * tfjs' own; AdamW is Adam plus decoupled weight decay (Loshchilov & Hutter 2019: after each step,
 * w ← w − lr·λ·w on kernels, not biases). For the other optimizers a weight decay is the classic L2 term.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../compile/compile';
import { FusedAdamOptimizer } from './backends/webgpu-kernels/adam';

/** Resolved optimizer settings of a run. */
export interface OptimizerConfig {
  type: 'sgd' | 'adam' | 'adamw' | 'rmsprop';
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/** Resolved schedule of a run: linear warmup, then constant, step (× gamma every stepEpochs) or cosine decay to 0. */
export interface ScheduleConfig {
  type: 'constant' | 'step' | 'cosine';
  warmupEpochs: number;
  stepEpochs: number;
  gamma: number;
}

/** The learning rate at a fractional epoch position `t` (epoch + batch/batches) of a `totalEpochs` run. */
export function learningRateAt(base: number, s: ScheduleConfig, t: number, totalEpochs: number): number {
  if (s.warmupEpochs > 0 && t < s.warmupEpochs) return (base * Math.max(t, 1e-3 * s.warmupEpochs)) / s.warmupEpochs;
  const after = t - s.warmupEpochs;
  switch (s.type) {
    case 'constant':
      return base;
    case 'step':
      return base * Math.pow(s.gamma, Math.floor(after / s.stepEpochs));
    case 'cosine': {
      const span = Math.max(1e-9, totalEpochs - s.warmupEpochs);
      return 0.5 * base * (1 + Math.cos(Math.PI * Math.min(1, after / span)));
    }
  }
}

/** An optimizer whose learning rate the loop sets every step, with the weight-decay rule of its type. */
export interface TrainOptimizer {
  optimizer: tfjs.Optimizer;
  setLearningRate(lr: number): void;
  /** Extra loss term (coupled L2) for sgd/adam/rmsprop with weight decay; null otherwise. */
  penalty(kernels: tfjs.Variable[]): tfjs.Scalar | null;
  /** Decoupled decay after the step (AdamW). */
  afterStep(kernels: tfjs.Variable[], lr: number): void;
}

/** Creates the optimizer for `cfg`. */
export function createTrainOptimizer(tf: Tf, cfg: OptimizerConfig): TrainOptimizer {
  let optimizer: tfjs.Optimizer;
  switch (cfg.type) {
    case 'sgd':
      optimizer = cfg.momentum > 0 ? tf.train.momentum(cfg.learningRate, cfg.momentum, cfg.nesterov) : tf.train.sgd(cfg.learningRate);
      break;
    case 'rmsprop':
      // Keras' RMSprop defaults (rho 0.9, no momentum); the document's `momentum` is SGD's.
      optimizer = tf.train.rmsprop(cfg.learningRate, 0.9, 0, 1e-7);
      break;
    case 'adam':
    case 'adamw':
      // On webgpu: tfjs's Adam with one fused WGSL dispatch per weight (same state, same checkpoints).
      optimizer = tf.getBackend() === 'webgpu' ? new FusedAdamOptimizer(cfg.learningRate, 0.9, 0.999, 1e-7) : tf.train.adam(cfg.learningRate, 0.9, 0.999, 1e-7);
      break;
  }
  const decoupled = cfg.type === 'adamw' && cfg.weightDecay > 0;
  const coupled = cfg.type !== 'adamw' && cfg.weightDecay > 0;
  return {
    optimizer,
    setLearningRate(lr) {
      // tfjs reads `learningRate` at every step; SGD and momentum also cache it as the scalar `c`.
      const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
      if (o.setLearningRate) o.setLearningRate(lr);
      else o.learningRate = lr;
    },
    penalty(kernels) {
      if (!coupled || kernels.length === 0) return null;
      return tf.mul(0.5 * cfg.weightDecay, tf.addN(kernels.map((k) => tf.sum(tf.square(k))))) as tfjs.Scalar;
    },
    afterStep(kernels, lr) {
      if (!decoupled) return;
      const factor = 1 - lr * cfg.weightDecay;
      tf.tidy(() => kernels.forEach((k) => k.assign(tf.mul(k, factor))));
    },
  };
}
