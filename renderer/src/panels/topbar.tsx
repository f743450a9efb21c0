/** The top bar: file menu, templates, history, layout and view controls, colour-by toggle and theme. */
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { autoLayout } from '../canvas/actions';
import { newFile, openFile, recentFiles, saveFile, saveFileAs } from '../files/file-actions';
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
  const [open, setOpen] = useState(false);
  const [recent, setRecent] = useState<string[]>([]);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    void recentFiles().then(setRecent);
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  const item = (label: string, keys: string, fn: () => unknown, testId?: string) => (
    <button
      className="ll-menu__item"
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
      <button className={`ll-menu__trigger${open ? ' is-open' : ''}`} onClick={() => setOpen((o) => !o)} data-testid="file-menu">
        File <Icon name="chevronDown" size={12} />
      </button>
      {open && (
        <div className="ll-menu__pop" role="menu">
          {item('New design', '', newFile, 'menu-new')}
          {item('Open…', 'Ctrl O', () => openFile(), 'menu-open')}
          {item('Save', 'Ctrl S', saveFile, 'menu-save')}
          {item('Save as…', 'Ctrl ⇧ S', saveFileAs, 'menu-save-as')}
          <div className="ll-menu__sep" />
          {item('Export…', '', openExportDialog, 'menu-export')}
          {item('Import model…', '', () => importModelFile(), 'menu-import-model')}
          {recent.length > 0 && <div className="ll-menu__sep">Recent</div>}
          {recent.slice(0, 6).map((p) => (
            <button
              key={p}
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
  const open = useCodePanel((s) => s.open);
  return (
    <button className={`ll-menu__trigger${open ? ' is-open' : ''}`} onClick={toggleCodePanel} aria-pressed={open} title="Show the design's code" data-testid="toggle-code">
      <Icon name="file" size={14} /> Code
    </button>
  );
}

/** Opens and closes the Inspect panel (receptive fields, kernels, feature maps, class activation maps). */
function InspectToggle() {
  const open = useEditor((s) => s.inspectOpen);
  return (
    <button className={`ll-menu__trigger${open ? ' is-open' : ''}`} onClick={toggleInspectPanel} aria-pressed={open} title="See inside the network" data-testid="toggle-inspect">
      <Icon name="info" size={14} /> Inspect
    </button>
  );
}

const COLOR_OPTIONS: { value: ColorBy; label: string }[] = [
  { value: 'category', label: 'Type' },
  { value: 'params', label: 'Params' },
  { value: 'macs', label: 'MACs' },
  { value: 'rf', label: 'RF' },
];

/** The top bar. */
export function TopBar({ fitView }: { fitView: () => void }) {
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
          <Icon name="grid" size={14} /> Templates
        </button>
        <div className="ll-docname" title={filePath ?? 'Not saved yet'} data-testid="doc-name">
          <span>{name}</span>
          {dirty && <span className="ll-dirty" aria-label="Unsaved changes" />}
        </div>
      </div>
      <div className="ll-topbar__center">
        <ToolButton icon="undo" label="Undo (Ctrl Z)" onClick={state.undo} disabled={!canUndo} testId="undo" />
        <ToolButton icon="redo" label="Redo (Ctrl ⇧ Z)" onClick={state.redo} disabled={!canRedo} testId="redo" />
        <span className="ll-divider" />
        <ToolButton icon="layout" label="Auto-layout (⇧ L)" onClick={autoLayout} testId="auto-layout" />
        <ToolButton icon="fit" label="Fit view (⇧ 1)" onClick={fitView} testId="fit-view" />
        <span className="ll-divider" />
        <div className="ll-segmented" role="radiogroup" aria-label="Colour nodes by">
          {COLOR_OPTIONS.map((o) => (
            <button key={o.value} role="radio" aria-checked={colorBy === o.value} className={colorBy === o.value ? 'is-active' : ''} onClick={() => state.setColorBy(o.value)} data-testid={`color-${o.value}`}>
              {o.label}
            </button>
          ))}
        </div>
      </div>
      <div className="ll-topbar__right">
        {/* The panels, together: they leave the left side to the design's name. */}
        <CodeToggle />
        <InspectToggle />
        <TrainingToggle />
        <ToolButton icon="info" label="Keyboard shortcuts" onClick={() => useShortcutsSheet.setState({ open: true })} testId="shortcuts" />
        <ToolButton icon={theme === 'dark' ? 'sun' : 'moon'} label={theme === 'dark' ? 'Light theme' : 'Dark theme'} onClick={() => state.setTheme(theme === 'dark' ? 'light' : 'dark')} testId="toggle-theme" />
      </div>
    </header>
  );
}
