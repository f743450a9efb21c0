/**
 * File ▸ Export… / Import model… and the code panel's save-as, through the host's model-file channels: native
 * dialogs where the host has them (Electron), the in-app path prompt in browser mode. Failures show the host's
 * message (file, layer and field) and never touch the open design.
 */
import { EXPORT_FORMATS, IMPORT_FORMATS, type ExportFormat } from '../../../../contract/model-io';
import { DesignError, parseDocument, type DesignDocument } from '../../engine';
import { appInfo } from '../../files/file-actions';
import { getHostClient, HostCallError } from '../../host';
import { designErrorText, errorDetailText } from '../../i18n/messages';
import { useEditor } from '../../store';
import { t } from '../../i18n';
import { askText } from '../../ui/prompt';
import { create } from 'zustand';

/** A host failure in the interface language: by the host's code + values when it gave them, else its message. */
function failureText(err: unknown): string {
  return err instanceof HostCallError ? errorDetailText(err) : err instanceof DesignError ? designErrorText(err) : (err as Error).message;
}

function fail(what: string, err: unknown): void {
  useEditor.getState().showToast('error', t('modelIo.failure', { what, reason: failureText(err) }));
}

/** A path from the native dialog (Electron) or the path prompt (browser mode); null when cancelled. */
async function pickPath(kind: 'open' | 'save', title: string, hint: string, suggested = ''): Promise<string | null> {
  const app = await appInfo();
  if (app.nativeDialogs) {
    const res = await getHostClient().call(kind === 'open' ? 'showOpenDialog' : 'showSaveDialog', suggested ? { defaultPath: suggested } : {});
    if (res.supported) return res.path;
  }
  return askText(title, { hint: t('modelIo.pathHint', { hint, dir: app.documentsDir }), initial: suggested, confirm: kind === 'open' ? t('modelIo.import') : t('files.save') });
}

/** A file-name stem from the design name (`VGG-16` -> `vgg-16`). */
export function fileStem(doc: Pick<DesignDocument, 'name'>): string {
  return doc.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'model';
}

/** Saves one generated file (the code panel's current tab). */
export async function saveCodeAs(fileName: string, text: string): Promise<boolean> {
  try {
    const path = await pickPath('save', t('modelIo.saveAs', { file: fileName }), t('modelIo.saveHint'), fileName);
    if (!path) return false;
    const res = await getHostClient().call('codeFileWrite', { path, text });
    useEditor.getState().showToast('success', t('files.saved', { path: res.path }));
    return true;
  } catch (err) {
    fail(t('modelIo.saveFailed'), err);
    return false;
  }
}

/** The export dialog's state: open, and the last choices (kept between openings). */
export const useExportDialog = create<{ open: boolean; format: ExportFormat; path: string; runDir: string; busy: boolean; error: string | null }>(() => ({
  open: false,
  format: 'ts',
  path: '',
  runDir: '',
  busy: false,
  error: null,
}));

/** Opens File ▸ Export… with a path suggested from the design name and format. */
export function openExportDialog(): void {
  const s = useExportDialog.getState();
  const doc = useEditor.getState().doc;
  useExportDialog.setState({ open: true, error: null, busy: false, path: s.path || suggestedPath(doc, s.format) });
}

/** The default path for a format: `<design>.ts`, `<design>.py`, or a folder `<design>-<format>`. */
export function suggestedPath(doc: Pick<DesignDocument, 'name'>, format: ExportFormat): string {
  const f = EXPORT_FORMATS.find((x) => x.id === format)!;
  const stem = fileStem(doc);
  if (f.output === 'folder') return `${stem}-${f.defaultName}`;
  return `${stem}${f.defaultName.slice(f.defaultName.lastIndexOf('.'))}`;
}

/** Runs the export chosen in the dialog; closes it on success, keeps it open with the message on failure. */
export async function runExport(): Promise<boolean> {
  const { format, path, runDir } = useExportDialog.getState();
  const doc = useEditor.getState().doc;
  useExportDialog.setState({ busy: true, error: null });
  try {
    const res = await getHostClient().call('modelExport', {
      document: doc as unknown as Record<string, unknown>,
      format,
      path: path.trim(),
      ...(runDir.trim() ? { runDir: runDir.trim() } : {}),
    });
    useExportDialog.setState({ open: false, busy: false });
    const files = res.files.join(', ');
    useEditor.getState().showToast('success', res.trainedFrom ? t('modelIo.exportedTrained', { files, run: res.trainedFrom }) : t('modelIo.exported', { files }));
    return true;
  } catch (err) {
    useExportDialog.setState({ busy: false, error: failureText(err) });
    return false;
  }
}

/** Asks for a model file and opens it as a new design; the open design stays when the file cannot be read. */
export async function importModelFile(path?: string): Promise<boolean> {
  try {
    const target = path ?? (await pickPath('open', t('modelIo.importTitle'), t('modelIo.importHint', { formats: IMPORT_FORMATS.map((f) => f.label).join(t('modelIo.or')) })));
    if (!target) return false;
    const res = await getHostClient().call('modelImport', { path: target });
    const doc = parseDocument(res.document);
    useEditor.getState().loadDocument(doc, null, false);
    useEditor.getState().showToast('success', t('modelIo.imported', { count: res.layers, path: res.path }));
    return true;
  } catch (err) {
    fail(t('modelIo.importFailed'), err);
    return false;
  }
}
