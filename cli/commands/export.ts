/**
 * `layerloom export <document.json | template> --format ts|keras|pytorch|tfjs -o <path>`: writes the design as
 * TypeScript (tfjs), Keras or PyTorch source, or as a tfjs model.json + weights. Refuses (exit 2) with the list
 * of features the target cannot express instead of writing broken code. Files are written atomically.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EXPORT_TARGETS, generateCode, prepareExport, type ExportTarget, type GeneratedFile } from '../../engine/codegen';
import { parseDocumentText } from '../../engine/schema/load';
import type { DesignDocument } from '../../engine/schema/document';
import { writeFileAtomic } from '../../engine/node/fs-atomic';
import { requireTemplate } from '../../templates';
import { parseCliArgs, parseShape, positiveInt } from '../args';
import { CliError } from '../cli-error';

const USAGE = 'usage: layerloom export <document.json | template> --format ts|keras|pytorch|tfjs -o <path> [--input HxWxC] [--classes N]';

/** Default file name inside an output folder, per code target. */
const FILE_NAMES: Record<Exclude<ExportTarget, 'tfjs' | 'pytorch'>, string> = { ts: 'model.ts', keras: 'model.py' };

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

/** A document from a JSON file, or a template by name (retargeted with `--input`/`--classes`). */
async function loadSource(source: string, inputShape?: number[], classes?: number): Promise<DesignDocument> {
  const looksLikeFile = source.endsWith('.json') || source.includes('/') || source.includes(path.sep);
  const exists = await stat(source).then((s) => s.isFile(), () => false);
  if (exists || looksLikeFile) {
    if (inputShape || classes) throw new CliError('--input and --classes retarget templates; edit the document to change its input or classes.');
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliError(`cannot read '${source}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message}.`);
    }
    return parseDocumentText(text, source);
  }
  return requireTemplate(source).build({ inputShape, classes });
}

/** Where each file goes: `-o` is a file for ts/keras (or a folder to put model.ts/model.py in), a folder for pytorch. */
async function placeFiles(target: ExportTarget, out: string, files: GeneratedFile[]): Promise<{ file: string; contents: string }[]> {
  if (target === 'pytorch') return files.map((f) => ({ file: path.join(out, f.path), contents: f.contents }));
  const intoFolder = out.endsWith('/') || out.endsWith(path.sep) || (await isDirectory(out));
  const file = intoFolder ? path.join(out, FILE_NAMES[target as keyof typeof FILE_NAMES]) : out;
  return [{ file, contents: files[0].contents }];
}

/** Runs `layerloom export`; returns the exit code (user errors throw `CliError`/`DesignError`: exit 2). */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    input: { type: 'string' },
    classes: { type: 'string' },
  });
  if (positionals.length !== 1) throw new CliError(`expected one document or template name, got ${positionals.length}.\n${USAGE}`);
  const format = values.format;
  if (!format) throw new CliError(`missing --format (one of ${EXPORT_TARGETS.join(', ')}).\n${USAGE}`);
  if (!(EXPORT_TARGETS as readonly string[]).includes(format)) throw new CliError(`unknown format '${format}'; expected one of ${EXPORT_TARGETS.join(', ')}.`);
  const target = format as ExportTarget;
  const out = values.output;
  if (!out) throw new CliError(`missing -o <path> (where to write the ${target === 'pytorch' || target === 'tfjs' ? 'folder' : 'file'}).\n${USAGE}`);

  const doc = await loadSource(positionals[0], parseShape(values.input, '--input'), positiveInt(values.classes, '--classes'));

  if (target === 'tfjs') {
    const { analysis } = prepareExport(doc, 'tfjs');
    let exportTfjs: (d: DesignDocument, dir: string) => Promise<{ params: number }>;
    try {
      ({ exportTfjs } = await import('../../engine/node/export-tfjs'));
    } catch (err) {
      throw new CliError(`the tfjs exporter (engine/node/export-tfjs.ts) could not be loaded: ${(err as Error).message}`, 1);
    }
    if (await stat(out).then((s) => !s.isDirectory(), () => false)) throw new CliError(`-o '${out}' is a file; --format tfjs writes a folder (model.json + weights.bin).`);
    // tfjs' cpu backend greets Node users with advice to install tfjs-node; in a CLI that writes files it is noise.
    (await import('@tensorflow/tfjs')).env().set('PROD', true);
    const saved = await exportTfjs(doc, out);
    console.log(`wrote ${path.join(out, 'model.json')} and its weights (${saved.params.toLocaleString('en-US')} parameters; engine: ${analysis.totals.params.toLocaleString('en-US')})`);
    return 0;
  }

  if (target === 'pytorch' && (await stat(out).then((s) => !s.isDirectory(), () => false))) {
    throw new CliError(`-o '${out}' is a file; --format pytorch writes a folder (model.py + train.py).`);
  }
  const files = await placeFiles(target, out, generateCode(doc, target));
  for (const f of files) await writeFileAtomic(f.file, f.contents);
  console.log(`wrote ${files.map((f) => f.file).join(' and ')}`);
  if (target === 'pytorch') console.log(`train with: python ${path.join(out, 'train.py')} --idx <fashion-mnist folder>   (or torchrun --nproc_per_node N ...)`);
  return 0;
}
