/**
 * `layerloom inspect <run-dir> --what kernels|features|cam [--node NAME] [--sample FILE|INDEX] [--class K]
 * [--output I] [--top N] -o out.png | --json`
 *
 * Looks inside a trained model (a folder `layerloom train --out DIR` or the app wrote): a convolution's learned
 * kernels, a layer's strongest feature maps for one sample, or a class activation map (Grad-CAM; plain CAM
 * where the design ends in global average pooling + one Dense). Defaults: the last convolution, the first
 * test sample, the predicted class, the first output (`--output 1` explains a multi-output design's second).
 */
import * as tf from '@tensorflow/tfjs';
import { useInspectBackend } from '../../engine/node/inspect/backend';
import { inspectRun, type InspectWhat } from '../../engine/node/inspect/inspect';
import { writePng } from '../../engine/node/inspect/png';
import { loadInspectRun } from '../../engine/node/inspect/run-folder';
import { parseCliArgs, positiveInt } from '../args';
import { CliError } from '../cli-error';

const USAGE = 'Usage: layerloom inspect <run-dir> --what kernels|features|cam [--node NAME] [--sample FILE|INDEX] [--class K] [--output I] [--top N] (-o out.png | --json)';
const WHATS: readonly InspectWhat[] = ['kernels', 'features', 'cam'];

/** Runs `layerloom inspect`; 0 on success, 2 for bad arguments (via `CliError`/`DesignError`). */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    what: { type: 'string' },
    node: { type: 'string' },
    sample: { type: 'string' },
    class: { type: 'string' },
    output: { type: 'string' },
    top: { type: 'string' },
    out: { type: 'string', short: 'o' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw new CliError(`expected one run folder, got ${positionals.length}. ${USAGE}`);
  const what = values.what as InspectWhat | undefined;
  if (!what || !WHATS.includes(what)) throw new CliError(`--what must be one of ${WHATS.join(', ')}${values.what === undefined ? '' : `, got '${values.what}'`}. ${USAGE}`);
  if (!values.out === !values.json) throw new CliError(`give exactly one of -o out.png and --json. ${USAGE}`);
  if (values.out && !/\.png$/i.test(values.out)) throw new CliError(`-o must name a .png file, got '${values.out}'.`);
  if (what === 'kernels' && values.sample !== undefined) throw new CliError('--sample does not apply to --what kernels (kernels do not depend on the input).');
  if (what !== 'cam' && values.class !== undefined) throw new CliError('--class applies to --what cam only.');
  if (what !== 'cam' && values.output !== undefined) throw new CliError('--output applies to --what cam only.');
  let classIndex: number | undefined;
  if (values.class !== undefined) {
    classIndex = Number(values.class);
    if (!Number.isInteger(classIndex) || classIndex < 0) throw new CliError(`--class must be a class index (0, 1, …), got '${values.class}'.`);
  }
  let output: number | undefined;
  if (values.output !== undefined) {
    output = Number(values.output);
    if (!Number.isInteger(output) || output < 0) throw new CliError(`--output must be an output index (0 = the first), got '${values.output}'.`);
  }
  const topN = positiveInt(values.top, '--top');

  await useInspectBackend(tf);
  const runDir = positionals[0];
  const loaded = await loadInspectRun(tf, runDir);
  try {
    const result = await inspectRun(tf, loaded, what, { node: values.node, sample: values.sample, classIndex, output, topN });
    if (values.json) {
      process.stdout.write(JSON.stringify(result.json) + '\n');
    } else {
      await writePng(values.out!, result.image);
      const j = result.json;
      const about = what === 'cam' ? `, class ${j.class} (predicted ${j.predicted})` : what === 'features' ? `, ${(j.channels as unknown[]).length} channels` : `, kernel ${(j.shape as number[]).join('×')}`;
      console.log(`${what} of ${j.node}${j.nodeName ? ` (${j.nodeName})` : ''}${about}: ${values.out} (${result.image.width}×${result.image.height})`);
    }
    return 0;
  } finally {
    loaded.model.dispose();
  }
}
