/**
 * Host services for model files (File ▸ Export…, Import model…, the code panel's save-as), served by both
 * transports like every host service. Exports go through `exportModel` (the CLI's code path); imports through
 * the engine's importer. Failures become `HostError`s whose message names the file, layer and field at fault;
 * nothing is written when an export is refused, and an import returns a new document without touching the open one.
 */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { HostError, type InvokeRequest, type InvokeResponse } from '../contract/host-contract';
import { fsFailure as fsFailureAt, refusedBy } from './fs-failure';
import { analyzeDesign } from '../engine/analysis/analyze';
import { DesignError } from '../engine/errors';
import { importModelText } from '../engine/import/import-model';
import { exportModel } from '../engine/node/export-model';
import { importOnnxFile, isOnnxPath } from '../engine/node/onnx-files';
import { writeFileAtomic } from '../engine/node/fs-atomic';
import { parseDocument } from '../engine/schema/load';
import { MAX_MODEL_FILE_BYTES } from '../engine/node/limits';
import { quoteDiagnostic, quoting, type ErrorDetail } from '../engine/messages';

export { MAX_MODEL_FILE_BYTES } from '../engine/node/limits';

type Handler<C extends 'modelExport' | 'modelImport' | 'codeFileWrite'> = (request: InvokeRequest<C>) => Promise<InvokeResponse<C>>;

/** The model-file handlers, merged into the host services. */
export interface ModelIoServices {
  modelExport: Handler<'modelExport'>;
  modelImport: Handler<'modelImport'>;
  codeFileWrite: Handler<'codeFileWrite'>;
}

/** A failed read or write of a model file or its folder (the request's `path`). */
const fsFailure = (err: unknown, path: string) => fsFailureAt(err, path, 'path');

/** A design or model problem as a host error (its message already names the layer and field). */
function designFailure(err: unknown, file: string): HostError | null {
  if (!(err instanceof DesignError)) return null;
  const message = `${file}: ${err.message}`;
  // The app's text: the file, then the error's own detail (without the `path: ` the English puts first).
  return new HostError('bad-model', message, err.path ?? 'path', err.detail ? { ...quoting('at-file', { file }, err.detail), values: { file, reason: err.message } } : undefined);
}

/** Creates the handlers; relative paths resolve in `documentsDir`, `~` in the home folder. */
export function createModelIoServices(options: { documentsDir: string }): ModelIoServices {
  const full = (raw: string) => {
    const expanded = raw === '~' || raw.startsWith('~/') ? join(homedir(), raw.slice(1)) : raw;
    return isAbsolute(expanded) ? resolve(expanded) : resolve(options.documentsDir, expanded);
  };
  return {
    async modelExport({ document, format, path, runDir }) {
      const out = full(path);
      let doc;
      try {
        doc = parseDocument(document);
      } catch (err) {
        throw designFailure(err, 'the design') ?? err;
      }
      try {
        const result = await exportModel(doc, format, out, { runDir: runDir ? full(runDir) : undefined });
        return { files: result.files, params: result.params, trainedFrom: result.trainedFrom };
      } catch (err) {
        // A run that does not fit names its own model file; other refusals name where the export was going.
        if (err instanceof DesignError && err.path === 'runDir') throw new HostError('bad-model', err.message.replace(/^runDir: /, ''), 'runDir', err.detail);
        throw designFailure(err, out) ?? fsFailure(err, out);
      }
    },
    async modelImport({ path }) {
      const file = full(path);
      if (isOnnxPath(file)) {
        // Binary, with its weights: engine/node/onnx-files.ts reads it (refusals name the operator and node).
        try {
          const { doc } = await importOnnxFile(file);
          const layers = doc.nodes.filter((n) => n.type !== 'Input' && n.type !== 'Output').length;
          return { path: file, document: doc as unknown as Record<string, unknown>, layers };
        } catch (err) {
          throw designFailure(err, file) ?? fsFailure(err, file);
        }
      }
      let text: string;
      try {
        const info = await stat(file);
        if (info.isDirectory()) throw refusedBy('bad-path', { code: 'fs-is-folder-model', values: { path: file } }, 'path');
        if (info.size > MAX_MODEL_FILE_BYTES) throw refusedBy('too-large', { code: 'model-too-large', values: { path: file, size: info.size, max: MAX_MODEL_FILE_BYTES } }, 'path');
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw err instanceof HostError ? err : fsFailure(err, file);
      }
      try {
        const doc = importModelText(text, { fileName: file.split(/[\\/]/).pop() });
        // A file the importer could read but whose layers are invalid (a bad field) is refused here, so the app
        // never swaps the open design for a broken one; the diagnostics name the layer and the field.
        const errors = analyzeDesign(doc).diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) {
          const shown = errors.slice(0, 3);
          const more = errors.length - shown.length;
          const refused: ErrorDetail = {
            code: more > 0 ? 'import-refused-more' : 'import-refused',
            values: { reason: shown.map((d) => d.message).join('; '), ...(more > 0 ? { more } : {}) },
            diagnostics: shown.map(quoteDiagnostic),
          };
          throw refusedBy('bad-model', quoting('at-file', { file }, refused), 'path');
        }
        const layers = doc.nodes.filter((n) => n.type !== 'Input' && n.type !== 'Output').length;
        return { path: file, document: doc as unknown as Record<string, unknown>, layers };
      } catch (err) {
        if (err instanceof HostError) throw err;
        throw designFailure(err, file) ?? new HostError('bad-model', `${file}: ${(err as Error).message}`, 'path');
      }
    },
    async codeFileWrite({ path, text }) {
      const file = full(path);
      try {
        await writeFileAtomic(file, text);
      } catch (err) {
        throw fsFailure(err, file);
      }
      return { path: file, bytes: Buffer.byteLength(text) };
    },
  };
}
