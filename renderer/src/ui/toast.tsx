/** The transient message at the bottom of the canvas. */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useEditor } from '../store';
import { Icon } from './icons';

/** Shows the current toast for a few seconds. */
export function ToastView() {
  const { t } = useTranslation();
  const toast = useEditor((s) => s.toast);
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => useEditor.getState().dismissToast(), toast.kind === 'error' ? 5000 : 2500);
    return () => clearTimeout(t);
  }, [toast]);
  if (!toast) return null;
  return (
    <div className={`ll-toast is-${toast.kind}`} role="status" data-testid="toast">
      <Icon name={toast.kind === 'error' ? 'alert' : toast.kind === 'success' ? 'check' : 'info'} size={14} />
      <span>{toast.text}</span>
      <button onClick={() => useEditor.getState().dismissToast()} aria-label={t('app.dismiss')}>
        <Icon name="x" size={12} />
      </button>
    </div>
  );
}
