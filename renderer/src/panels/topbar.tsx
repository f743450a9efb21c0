/** The top bar: file menu, templates, history, layout and view controls, colour-by toggle and theme. */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { autoLayout } from '../canvas/actions';
import { newFile, openFile, recentFiles, saveFile, saveFileAs } from '../files/file-actions';
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from '../i18n';
import { useEditor } from '../store';
import type { ColorBy } from '../store/ui-slice';
import { Icon, type IconName } from '../ui/icons';
import { useShortcutsSheet } from '../ui/shortcuts-dialog';
import { TrainingToggle } from './training/training-drawer';
import { importModelFile, openExportDialog, toggleCodePanel, useCodePanel } from './code';
import { toggleInspectPanel } from './inspect';

function ToolButton({ icon, label, onClick, disabled, testId }: { icon: IconName; label: string; onClick: () => void; disabled?: boolean; testId?: string }) {
  return (
    <button className="ll-tool" onClick={onClick} disabled={disabled} title={label} aria-label={label} data-testid={testId}>
      <Icon name={icon} size={16} />
    </button>
  );
}

function FileMenu() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [recent, setRecent] = useState<string[]>([]);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    void recentFiles().then(setRecent);
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  // Menu keys (WAI-ARIA menu button): arrows move among the items, Escape closes and returns to the trigger.
  const menuKeys = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      ref.current?.querySelector<HTMLElement>('.ll-menu__trigger')?.focus();
    }
  };
  const item = (label: string, keys: string, fn: () => unknown, testId?: string) => (
    <button
      className="ll-menu__item"
      role="menuitem"
      onClick={() => {
        setOpen(false);
        void fn();
      }}
      data-testid={testId}
    >
      <span>{label}</span>
      <kbd>{keys}</kbd>
    </button>
  );
  return (
    <div className="ll-menu" ref={ref}>
      <button className={`ll-menu__trigger${open ? ' is-open' : ''}`} onClick={() => setOpen((o) => !o)} aria-haspopup="menu" aria-expanded={open} data-testid="file-menu">
        {t('topbar.file')} <Icon name="chevronDown" size={12} />
      </button>
      {open && (
        <div className="ll-menu__pop" role="menu" onKeyDown={menuKeys}>
          {item(t('menu.new'), '', newFile, 'menu-new')}
          {item(t('menu.open'), 'Ctrl O', () => openFile(), 'menu-open')}
          {item(t('menu.save'), 'Ctrl S', saveFile, 'menu-save')}
          {item(t('menu.saveAs'), 'Ctrl ⇧ S', saveFileAs, 'menu-save-as')}
          <div className="ll-menu__sep" role="separator" />
          {item(t('menu.export'), '', openExportDialog, 'menu-export')}
          {item(t('menu.importModel'), '', () => importModelFile(), 'menu-import-model')}
          {recent.length > 0 && <div className="ll-menu__sep" role="separator">{t('menu.recent')}</div>}
          {recent.slice(0, 6).map((p) => (
            <button
              key={p}
              role="menuitem"
              className="ll-menu__item is-recent"
              title={p}
              onClick={() => {
                setOpen(false);
                void openFile(p);
              }}
            >
              <Icon name="file" size={13} />
              <span>{p.split(/[\\/]/).pop()}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

/** Opens and closes the code panel (its state lives in the panel's own store). */
function CodeToggle() {
  const { t } = useTranslation();
  const open = useCodePanel((s) => s.open);
  return (
    <button className={`ll-menu__trigger${open ? ' is-open' : ''}`} onClick={toggleCodePanel} aria-pressed={open} title={t('topbar.codeTitle')} data-testid="toggle-code">
      <Icon name="file" size={14} /> {t('topbar.code')}
    </button>
  );
}

/** Opens and closes the Inspect panel (receptive fields, kernels, feature maps, class activation maps). */
function InspectToggle() {
  const { t } = useTranslation();
  const open = useEditor((s) => s.inspectOpen);
  return (
    <button className={`ll-menu__trigger${open ? ' is-open' : ''}`} onClick={toggleInspectPanel} aria-pressed={open} title={t('topbar.inspectTitle')} data-testid="toggle-inspect">
      <Icon name="info" size={14} /> {t('topbar.inspect')}
    </button>
  );
}

const COLOR_OPTIONS: ColorBy[] = ['category', 'params', 'macs', 'rf'];

/** The interface language switch: each language named in itself, so anyone can find their own. */
function LanguageSelect() {
  const { t } = useTranslation();
  const language = useEditor((s) => s.language);
  return (
    <select
      className="ll-lang-select"
      value={language}
      onChange={(e) => isLanguage(e.target.value) && useEditor.getState().setLanguage(e.target.value)}
      title={t('topbar.language')}
      aria-label={t('topbar.language')}
      data-testid="language-select"
    >
      {LANGUAGES.map((l) => (
        <option key={l} value={l} lang={l}>
          {LANGUAGE_NAMES[l]}
        </option>
      ))}
    </select>
  );
}

/** The top bar. */
export function TopBar({ fitView }: { fitView: () => void }) {
  const { t } = useTranslation();
  const { name, dirty, filePath, canUndo, canRedo, colorBy, theme } = useEditor(
    useShallow((s) => ({
      name: s.doc.name,
      dirty: s.doc !== s.savedDoc,
      filePath: s.filePath,
      canUndo: s.past.length > 0,
      canRedo: s.future.length > 0,
      colorBy: s.colorBy,
      theme: s.theme,
    })),
  );
  const state = useEditor.getState();
  return (
    <header className="ll-topbar">
      <div className="ll-topbar__left">
        <div className="ll-brand" title="LayerLoom">
          <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden>
            <rect x="2" y="3" width="20" height="5" rx="2" fill="var(--accent)" />
            <rect x="5" y="10" width="14" height="5" rx="2" fill="var(--accent)" opacity="0.7" />
            <rect x="8" y="17" width="8" height="4" rx="2" fill="var(--accent)" opacity="0.45" />
          </svg>
          <span>LayerLoom</span>
        </div>
        <FileMenu />
        <button className="ll-menu__trigger" onClick={() => state.setGalleryOpen(true)} data-testid="open-gallery">
          <Icon name="grid" size={14} /> {t('topbar.templates')}
        </button>
        <div className="ll-docname" title={filePath ?? t('topbar.notSaved')} data-testid="doc-name">
          <span>{name}</span>
          {dirty && <span className="ll-dirty" role="img" aria-label={t('topbar.unsaved')} />}
        </div>
      </div>
      <div className="ll-topbar__center">
        <ToolButton icon="undo" label={t('topbar.undo')} onClick={state.undo} disabled={!canUndo} testId="undo" />
        <ToolButton icon="redo" label={t('topbar.redo')} onClick={state.redo} disabled={!canRedo} testId="redo" />
        <span className="ll-divider" />
        <ToolButton icon="layout" label={t('topbar.autoLayout')} onClick={autoLayout} testId="auto-layout" />
        <ToolButton icon="fit" label={t('topbar.fitView')} onClick={fitView} testId="fit-view" />
        <span className="ll-divider" />
        <div className="ll-segmented" role="radiogroup" aria-label={t('topbar.colorBy')}>
          {COLOR_OPTIONS.map((o) => (
            <button key={o} role="radio" aria-checked={colorBy === o} className={colorBy === o ? 'is-active' : ''} onClick={() => state.setColorBy(o)} data-testid={`color-${o}`}>
              {t(`topbar.colorOption.${o}`)}
            </button>
          ))}
        </div>
      </div>
      <div className="ll-topbar__right">
        {/* The panels, together: they leave the left side to the design's name. */}
        <CodeToggle />
        <InspectToggle />
        <TrainingToggle />
        <LanguageSelect />
        <ToolButton icon="info" label={t('topbar.shortcuts')} onClick={() => useShortcutsSheet.setState({ open: true })} testId="shortcuts" />
        <ToolButton icon={theme === 'dark' ? 'sun' : 'moon'} label={theme === 'dark' ? t('topbar.lightTheme') : t('topbar.darkTheme')} onClick={() => state.setTheme(theme === 'dark' ? 'light' : 'dark')} testId="toggle-theme" />
      </div>
    </header>
  );
}
