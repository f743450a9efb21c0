/** File ▸ Export…: the format (one list, contract/model-io.ts), where to write, and a run folder for trained weights. */
import { EXPORT_FORMATS, WEIGHTS_FORMATS } from '../../../../contract/model-io';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { appInfo } from '../../files/file-actions';
import { getHostClient } from '../../host';
import { useEditor } from '../../store';
import { runExport, suggestedPath, useExportDialog } from './model-io-actions';

/** Electron: a native save dialog fills the path (browser mode has none; the path is typed). */
function BrowseButton() {
  const { t } = useTranslation();
  const [native, setNative] = useState(false);
  useEffect(() => {
    void appInfo().then((a) => setNative(a.nativeDialogs), () => setNative(false));
  }, []);
  if (!native) return null;
  return (
    <button
      type="button"
      className="ll-button"
      onClick={async () => {
        const res = await getHostClient().call('showSaveDialog', { defaultPath: useExportDialog.getState().path || undefined });
        if (res.supported && res.path) useExportDialog.setState({ path: res.path });
      }}
    >
      {t('export.browse')}
    </button>
  );
}

/** The export dialog (renders nothing while closed). */
export function ExportDialog() {
  const { t } = useTranslation();
  const s = useExportDialog();
  if (!s.open) return null;
  const close = () => useExportDialog.setState({ open: false });
  const format = EXPORT_FORMATS.find((f) => f.id === s.format)!;
  return (
    <div className="ll-overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <form
        className="ll-dialog"
        role="dialog"
        aria-label={t('export.title')}
        data-testid="export-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (s.path.trim() && !s.busy) void runExport();
        }}
        onKeyDown={(e) => e.key === 'Escape' && close()}
      >
        <h2>{t('export.title')}</h2>
        <p className="ll-dialog__hint">{t('export.hint')}</p>
        <div className="ll-export__formats" role="radiogroup" aria-label={t('export.format')}>
          {EXPORT_FORMATS.map((f) => (
            <label key={f.id} className={`ll-export__format${s.format === f.id ? ' is-active' : ''}`}>
              <input
                type="radio"
                name="export-format"
                checked={s.format === f.id}
                data-testid={`export-format-${f.id}`}
                onChange={() => {
                  const doc = useEditor.getState().doc;
                  // Follow the format with the suggested path unless the user typed their own.
                  const wasSuggested = s.path === suggestedPath(doc, s.format);
                  useExportDialog.setState({ format: f.id, ...(wasSuggested || !s.path ? { path: suggestedPath(doc, f.id) } : {}) });
                }}
              />
              <span>
                <strong>{f.label}</strong>
                <small>{t(`export.describe.${f.id}`, { defaultValue: f.describe })}</small>
              </span>
            </label>
          ))}
        </div>
        <label className="ll-export__field">
          <span>{format.output === 'folder' ? t('export.folder') : t('export.file')}</span>
          <span className="ll-export__row">
            <input className="ll-input mono" value={s.path} onChange={(e) => useExportDialog.setState({ path: e.target.value })} data-testid="export-path" autoFocus />
            <BrowseButton />
          </span>
        </label>
        {WEIGHTS_FORMATS.has(s.format) && (
          <label className="ll-export__field">
            <span>{t('export.weights')}</span>
            <input className="ll-input mono" value={s.runDir} placeholder={t('export.fresh')} onChange={(e) => useExportDialog.setState({ runDir: e.target.value })} data-testid="export-run" />
          </label>
        )}
        {s.error && (
          <p className="ll-export__error" role="alert" data-testid="export-error">
            {s.error}
          </p>
        )}
        <div className="ll-dialog__actions">
          <button type="button" className="ll-button" onClick={close}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="ll-button is-primary" disabled={!s.path.trim() || s.busy} data-testid="export-confirm">
            {s.busy ? t('export.busy') : t('export.title')}
          </button>
        </div>
      </form>
    </div>
  );
}
