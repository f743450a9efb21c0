/**
 * Open, save, save-as, recent files and autosave with crash recovery, through the host client (Electron IPC or
 * the browser-mode server). Native dialogs where the host has them, the in-app path prompt elsewhere.
 */
import { t } from '../i18n';
import { DesignError, emptyDocument, parseDocumentText, serializeDocument, type DesignDocument } from '../engine';
import { getHostClient, HostCallError, type AppInfo } from '../host';
import { useEditor } from '../store';
import { askText } from '../ui/prompt';
import { designErrorText, errorDetailText } from '../i18n/messages';

/** Quiet time after the last edit before an autosave snapshot is written. */
export const AUTOSAVE_DELAY_MS = 1500;

let info: Promise<AppInfo> | null = null;
/** The host's app info (mode, dialogs), fetched once. */
export function appInfo(): Promise<AppInfo> {
  info ??= getHostClient().call('appInfo', {});
  return info;
}

function fail(what: string, err: unknown): void {
  const reason = err instanceof HostCallError ? errorDetailText(err) : err instanceof DesignError ? designErrorText(err) : (err as Error).message;
  useEditor.getState().showToast('error', t('modelIo.failure', { what, reason }));
}

async function pickPath(kind: 'open' | 'save', suggested?: string): Promise<string | null> {
  const host = getHostClient();
  const app = await appInfo();
  if (app.nativeDialogs) {
    const res = await host.call(kind === 'open' ? 'showOpenDialog' : 'showSaveDialog', suggested ? { defaultPath: suggested } : {});
    if (res.supported) return res.path;
  }
  return askText(t(kind === 'open' ? 'files.openTitle' : 'files.saveTitle'), {
    hint: t('files.pathHint', { dir: app.documentsDir }),
    initial: suggested ?? '',
    confirm: t(kind === 'open' ? 'files.open' : 'files.save'),
  });
}

function suggestName(doc: DesignDocument): string {
  return `${doc.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'design'}.layerloom.json`;
}

/** Opens a design from `path` (or asks for one). */
export async function openFile(path?: string): Promise<boolean> {
  try {
    const target = path ?? (await pickPath('open'));
    if (!target) return false;
    const host = getHostClient();
    const res = await host.call('readDocument', { path: target });
    const doc = parseDocumentText(res.text, res.path);
    useEditor.getState().loadDocument(doc, res.path);
    await host.call('recentFilesAdd', { path: res.path });
    useEditor.getState().showToast('success', t('files.opened', { path: res.path }));
    return true;
  } catch (err) {
    fail(t('files.openFailed'), err);
    return false;
  }
}

async function writeTo(path: string): Promise<boolean> {
  const host = getHostClient();
  const doc = useEditor.getState().doc;
  const res = await host.call('writeDocument', { path, text: serializeDocument(doc) });
  useEditor.getState().markSaved(res.path, doc);
  await host.call('recentFilesAdd', { path: res.path });
  await host.call('autosaveClear', {});
  useEditor.getState().showToast('success', t('files.saved', { path: res.path }));
  return true;
}

/** Saves to the current file, or asks where when the design was never saved. */
export async function saveFile(): Promise<boolean> {
  const path = useEditor.getState().filePath;
  if (!path) return saveFileAs();
  try {
    return await writeTo(path);
  } catch (err) {
    fail(t('files.saveFailed'), err);
    return false;
  }
}

/** Asks for a path and saves there. */
export async function saveFileAs(): Promise<boolean> {
  try {
    const state = useEditor.getState();
    const path = await pickPath('save', state.filePath ?? suggestName(state.doc));
    if (!path) return false;
    return await writeTo(/\.json$/i.test(path) ? path : `${path}.layerloom.json`);
  } catch (err) {
    fail(t('files.saveFailed'), err);
    return false;
  }
}

/** Starts a new, empty design. */
export function newFile(): void {
  useEditor.getState().loadDocument(emptyDocument(), null, true);
}

/** The recent files list. */
export async function recentFiles(): Promise<string[]> {
  try {
    return (await getHostClient().call('recentFilesGet', {})).files;
  } catch {
    return [];
  }
}

/** A crash-recovery snapshot that differs from what was saved, if any. */
export interface Recovery {
  doc: DesignDocument;
  path: string | null;
  savedAt: string;
}

/** Reads the autosave snapshot left by a previous session that did not save. */
export async function readRecovery(): Promise<Recovery | null> {
  try {
    const { autosave } = await getHostClient().call('autosaveRead', {});
    if (!autosave) return null;
    return { doc: parseDocumentText(autosave.text, 'autosave'), path: autosave.path, savedAt: autosave.savedAt };
  } catch {
    return null;
  }
}

/** Discards the snapshot. */
export async function discardRecovery(): Promise<void> {
  await getHostClient().call('autosaveClear', {}).catch(() => undefined);
}

/** Writes a snapshot a moment after each edit while there are unsaved changes; returns a stop function. */
export function startAutosave(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = useEditor.subscribe((state, prev) => {
    if (state.doc === prev.doc || state.doc === state.savedDoc) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const { doc, filePath, savedDoc } = useEditor.getState();
      if (doc === savedDoc || doc.nodes.length === 0) return;
      getHostClient()
        .call('autosaveWrite', { text: serializeDocument(doc), path: filePath })
        .catch(() => undefined);
    }, AUTOSAVE_DELAY_MS);
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}
