/**
 * Knowledge distillation (Hinton, Vinyals & Dean, "Distilling the Knowledge in a Neural Network", 2015): the
 * student learns from the teacher's temperature-softened predictions as well as from the labels,
 *   loss = (1 − α) · CE(y, p_student) + α · T² · KL(softmax(z_teacher / T) ‖ softmax(z_student / T)).
 * Designs end in a softmax, so logits are recovered as log-probabilities (softmax(log p / T) = p^(1/T) / Σ).
 * T² keeps the soft term's gradient on the scale of the hard one (the paper's note).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../compile/compile';
import { DesignError } from '../../errors';
import { runModelJson } from '../export-model';
import { loadModelFiles } from '../model-files';
import type { LossFn } from './evaluate';

/** A loaded teacher and the distillation settings. */
export interface Teacher {
  model: tfjs.LayersModel;
  temperature: number;
  alpha: number;
  /** The run folder it came from. */
  runDir: string;
}

const EPS = 1e-7;

/** Temperature-softened probabilities from probabilities p: softmax(log p / T). */
export function soften(tf: Tf, probs: tfjs.Tensor, temperature: number): tfjs.Tensor {
  return tf.tidy(() => tf.softmax(tf.log(tf.clipByValue(probs, EPS, 1)).div(temperature)));
}

/** The teacher's softened targets for a batch (no gradient flows into the teacher). */
export function teacherTargets(tf: Tf, teacher: Teacher, x: tfjs.Tensor): tfjs.Tensor {
  return tf.tidy(() => soften(tf, teacher.model.predict(x) as tfjs.Tensor, teacher.temperature));
}

/** The distillation loss of a batch: the hard-label loss and the softened KL term, weighted by α. */
export function distillationLoss(tf: Tf, hard: LossFn, teacher: Pick<Teacher, 'temperature' | 'alpha'>, y: tfjs.Tensor, pred: tfjs.Tensor, soft: tfjs.Tensor): tfjs.Scalar {
  return tf.tidy(() => {
    const t = teacher.temperature;
    const student = soften(tf, pred, t);
    // KL(q ‖ p) = Σ q (log q − log p), averaged over the batch.
    const kl = tf.mean(tf.sum(soft.mul(tf.log(tf.clipByValue(soft, EPS, 1)).sub(tf.log(tf.clipByValue(student, EPS, 1)))), -1));
    return hard(y, pred).mul(1 - teacher.alpha).add(kl.mul(teacher.alpha * t * t)) as tfjs.Scalar;
  });
}

/**
 * Loads the teacher of a run folder and checks it fits the student's data: same example shape, same classes.
 * A wrong folder or a mismatch is a `DesignError` naming the folder and what differs.
 */
export async function loadTeacher(tf: Tf, cfg: { teacher: string; temperature: number; alpha: number }, exampleShape: readonly number[], classes: number): Promise<Teacher> {
  const file = await runModelJson(cfg.teacher).catch((err: Error) => {
    throw new DesignError('invalid-document', `teacher: ${err.message}`, 'teacher');
  });
  let model: tfjs.LayersModel;
  try {
    model = await loadModelFiles(tf, file);
  } catch (err) {
    throw new DesignError('invalid-document', `teacher: cannot load ${file}: ${(err as Error).message}`, 'teacher');
  }
  const input = model.inputs[0].shape.slice(1);
  const output = model.outputs[0].shape.slice(1);
  if (input.join('x') !== exampleShape.join('x')) {
    model.dispose();
    throw new DesignError('data-mismatch', `teacher ${cfg.teacher} takes ${input.join('×')} inputs but the student's data is ${exampleShape.join('×')}`, 'teacher');
  }
  if (output.length !== 1 || output[0] !== classes) {
    model.dispose();
    throw new DesignError('data-mismatch', `teacher ${cfg.teacher} predicts [${output.join(', ')}] but the data has ${classes} classes`, 'teacher');
  }
  return { model, temperature: cfg.temperature, alpha: cfg.alpha, runDir: cfg.teacher };
}
