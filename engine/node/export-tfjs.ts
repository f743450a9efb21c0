/**
 * `layerloom export --format tfjs`: compile a design and save it as tfjs `model.json` + `weights.bin`
 * (freshly initialized weights). Node-only (writes files); loads `@tensorflow/tfjs` on first use.
 */
import type { DesignDocument } from '../schema/document';
import { compileModel } from '../compile/compile';
import { saveModelFiles, type SavedModelFiles } from './model-files';

/** What `exportTfjs` wrote, and the compiled model's parameter count. */
export interface TfjsExport extends SavedModelFiles {
  params: number;
}

/** Compiles `doc` with the plain tfjs package (cpu backend) and writes `outDir/model.json` + `outDir/weights.bin`. */
export async function exportTfjs(doc: DesignDocument, outDir: string): Promise<TfjsExport> {
  const tf = await import('@tensorflow/tfjs');
  const model = compileModel(doc, tf, { compile: true });
  try {
    const saved = await saveModelFiles(model, outDir);
    return { ...saved, params: model.countParams() };
  } finally {
    model.dispose();
  }
}
