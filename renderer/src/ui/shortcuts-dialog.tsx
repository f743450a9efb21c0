/** The keyboard shortcuts sheet (the ? button, or Help > Keyboard Shortcuts in Electron). */
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { useDialogFocus } from './dialog-focus';
import { SHORTCUTS } from './shortcuts';

/** Whether the sheet is open. */
export const useShortcutsSheet = create<{ open: boolean }>(() => ({ open: false }));

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/** Renders the sheet while open. */
export function ShortcutsDialog() {
  const { t } = useTranslation();
  const open = useShortcutsSheet((s) => s.open);
  const close = () => useShortcutsSheet.setState({ open: false });
  const dialog = useDialogFocus<HTMLDivElement>(open, close);
  if (!open) return null;
  return (
    <div className="ll-overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="ll-dialog" role="dialog" aria-modal="true" aria-label={t('topbar.shortcuts')} tabIndex={-1} ref={dialog}>
        <h2>{t('topbar.shortcuts')}</h2>
        <dl className="ll-keys">
          {SHORTCUTS.map((s) => (
            <div key={s.keys}>
              <dt>{t(`shortcuts.action.${s.label}`)}</dt>
              <dd>
                {s.keys.split(' / ').map((k) => (
                  <kbd key={k}>{k.replace(/Mod/g, isMac ? '⌘' : 'Ctrl')}</kbd>
                ))}
              </dd>
            </div>
          ))}
        </dl>
        <div className="ll-dialog__actions">
          <button className="ll-button" onClick={close}>
            {t('common.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
