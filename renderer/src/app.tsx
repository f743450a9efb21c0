/** The editor's layout: top bar, palette, canvas, details panel, status bar, and the overlays. */
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Canvas, fitPadding } from './canvas/canvas';
import { appInfo, discardRecovery, openFile, readRecovery, saveFile, saveFileAs, newFile, type Recovery } from './files/file-actions';
import { autoLayout, deleteSelection, duplicateSelection, selectAll } from './canvas/actions';
import { getHostClient, type MenuCommand } from './host';
import { Gallery } from './panels/gallery';
import { CodeLayer, importModelFile, openExportDialog, toggleCodePanel } from './panels/code';
import { InspectPanel } from './panels/inspect';
import { Palette } from './panels/palette';
import { RightPanel } from './panels/right-panel';
import { StatusBar } from './panels/status-bar';
import { TopBar } from './panels/topbar';
import { TrainingDrawer } from './panels/training/training-drawer';
import { t as translate } from './i18n';
import { useEditor } from './store';
import { Icon } from './ui/icons';
import { PromptDialog } from './ui/prompt';
import { QuickAdd } from './ui/quick-add';
import { ShortcutsDialog, useShortcutsSheet } from './ui/shortcuts-dialog';
import { useShortcuts } from './ui/shortcuts';
import { ToastView } from './ui/toast';

function RecoveryBanner() {
  const { t } = useTranslation();
  const [recovery, setRecovery] = useState<Recovery | null>(null);
  useEffect(() => {
    void readRecovery().then(setRecovery);
  }, []);
  if (!recovery) return null;
  const when = new Date(recovery.savedAt);
  return (
    <div className="ll-banner" role="alert" data-testid="recovery">
      <Icon name="info" size={14} />
      <span>
        <Trans t={t} i18nKey="app.recovered" values={{ name: recovery.doc.name, when: when.toLocaleString() }} components={{ strong: <strong /> }} />
      </span>
      <button
        className="ll-button is-small is-primary"
        onClick={() => {
          useEditor.getState().loadDocument(recovery.doc, recovery.path, false);
          setRecovery(null);
        }}
      >
        {t('app.restore')}
      </button>
      <button
        className="ll-button is-small"
        onClick={() => {
          void discardRecovery();
          setRecovery(null);
        }}
      >
        {t('app.discard')}
      </button>
    </div>
  );
}

/** Help ▸ About: the version and where the app runs. */
async function showAbout(): Promise<void> {
  const s = useEditor.getState();
  try {
    const a = await appInfo();
    const mode = translate(a.mode === 'electron' ? 'app.aboutDesktop' : 'app.aboutBrowser');
    s.showToast('info', translate('app.about', { version: a.version, mode, platform: a.platform }));
  } catch (err) {
    s.showToast('error', translate('app.aboutFailed', { message: (err as Error).message }));
  }
}

function Workspace() {
  const flow = useReactFlow();
  const fitView = useCallback(() => void flow.fitView({ padding: fitPadding(), duration: 250, maxZoom: 1.1 }), [flow]);
  useShortcuts(fitView);
  // Native menu commands (Electron) arrive as host events.
  useEffect(() => {
    let off: (() => void) | undefined;
    try {
      off = getHostClient().on('menuCommand', ({ command, path }) => {
        const s = useEditor.getState();
        // Every menu command has a handler: a new one in contract/host-contract.ts is a type error here until it does.
        const table: Record<MenuCommand, () => unknown> = {
          new: newFile,
          open: () => openFile(),
          openRecent: () => openFile(path),
          save: saveFile,
          saveAs: saveFileAs,
          exportModel: openExportDialog,
          importModel: () => importModelFile(),
          toggleCode: toggleCodePanel,
          undo: s.undo,
          redo: s.redo,
          duplicate: duplicateSelection,
          delete: deleteSelection,
          selectAll,
          fitView,
          autoLayout,
          toggleTheme: () => s.setTheme(s.theme === 'dark' ? 'light' : 'dark'),
          showShortcuts: () => useShortcutsSheet.setState({ open: true }),
          toggleMinimap: s.toggleMinimap,
          about: showAbout,
        };
        void table[command]?.();
      });
    } catch {
      // no host (a static preview): menus simply do nothing
    }
    return () => off?.();
  }, [fitView]);
  return (
    <>
      <TopBar fitView={fitView} />
      <div className="ll-main">
        <Palette />
        <div className="ll-center">
          <RecoveryBanner />
          {/* The drawers over the canvas (code, inspect) end where the training drawer below begins. */}
          <div className="ll-canvas-area">
            <Canvas />
            <CodeLayer />
            <InspectPanel />
            <ToastView />
          </div>
          <TrainingDrawer />
        </div>
        <RightPanel />
      </div>
      <StatusBar />
      <Gallery />
      <PromptDialog />
      <QuickAdd />
      <ShortcutsDialog />
    </>
  );
}

/** The app root. */
export function App() {
  const theme = useEditor((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <div className="ll-app">
      <ReactFlowProvider>
        <Workspace />
      </ReactFlowProvider>
    </div>
  );
}
