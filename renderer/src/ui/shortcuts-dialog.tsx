/** The keyboard shortcuts sheet (the ? button, or Help > Keyboard Shortcuts in Electron). */
import { create } from 'zustand';
import { useDialogFocus } from './dialog-focus';
import { SHORTCUTS } from './shortcuts';

/** Whether the sheet is open. */
export const useShortcutsSheet = create<{ open: boolean }>(() => ({ open: false }));

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/** Renders the sheet while open. */
export function ShortcutsDialog() {
  const open = useShortcutsSheet((s) => s.open);
  const close = () => useShortcutsSheet.setState({ open: false });
  const dialog = useDialogFocus<HTMLDivElement>(open, close);
  if (!open) return null;
  return (
    <div className="ll-overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="ll-dialog" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" tabIndex={-1} ref={dialog}>
        <h2>Keyboard shortcuts</h2>
        <dl className="ll-keys">
          {SHORTCUTS.map((s) => (
            <div key={s.keys}>
              <dt>{s.label}</dt>
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
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
