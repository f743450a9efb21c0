/**
 * The Electron main process (bundled to `dist-electron/main.cjs` by `scripts/build-app.js`). Serves the built
 * renderer from the privileged `app://layerloom` scheme with the CSP header, creates a hardened window
 * (context isolation, sandbox, no Node integration, navigation/new windows/webviews/permissions refused),
 * registers the typed IPC handlers, builds the native menus and remembers the window's bounds.
 */
import { app, BrowserWindow, Menu, dialog, ipcMain, protocol, screen, session, shell, type WebContents } from 'electron';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MenuCommand } from '../contract/host-contract';
import { createHostServices, type NativeDialogs } from './host-services';
import { APP_HOST, APP_SCHEME, APP_URL, registerHostHandlers, sendEvent } from './ipc-main';
import { buildMenuTemplate } from './menu';
import { STATIC_HEADERS, contentTypeFor, resolveStaticPath } from './static-files';
import { installWindowGuards } from './window-guards';
import { loadWindowState, placeWindow, saveWindowState } from './window-state';

const ROOT = resolve(__dirname, '..');
const RENDERER_DIR = process.env.LAYERLOOM_RENDERER_DIR ?? join(ROOT, 'dist', 'renderer');
const PRELOAD = join(__dirname, 'preload.cjs');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DOCUMENT_FILTERS = [{ name: 'LayerLoom design', extensions: ['json'] }];

// Tests point the user data at a temp dir; must happen before anything reads userData.
if (process.env.LAYERLOOM_USER_DATA) app.setPath('userData', process.env.LAYERLOOM_USER_DATA);
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

/** `app://layerloom/<path>` -> a file of the built renderer, with the security headers. */
async function serveRenderer(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const file = url.host === APP_HOST ? resolveStaticPath(RENDERER_DIR, url.pathname) : null;
  const info = file ? await stat(file).catch(() => null) : null;
  if (!file || !info?.isFile()) return new Response('not found', { status: 404, headers: STATIC_HEADERS });
  return new Response(new Uint8Array(await readFile(file)), { headers: { ...STATIC_HEADERS, 'content-type': contentTypeFor(file) } });
}

function focusedContents(): WebContents | null {
  const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  return win && !win.isDestroyed() ? win.webContents : null;
}

const dialogs: NativeDialogs = {
  async open(defaultPath) {
    const options = { title: 'Open design', defaultPath, filters: DOCUMENT_FILTERS, properties: ['openFile' as const] };
    const win = BrowserWindow.getFocusedWindow();
    const result = await (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options));
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
  async save(defaultPath) {
    const options = { title: 'Save design', defaultPath, filters: DOCUMENT_FILTERS };
    const win = BrowserWindow.getFocusedWindow();
    const result = await (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options));
    if (result.canceled || !result.filePath) return null;
    return result.filePath.toLowerCase().endsWith('.json') ? result.filePath : `${result.filePath}.json`;
  },
};

function sendCommand(command: MenuCommand, path?: string): void {
  const contents = focusedContents();
  if (contents) sendEvent(contents, 'menuCommand', path === undefined ? { command } : { command, path });
}

const services = createHostServices({
  mode: 'electron',
  version: VERSION,
  userDataDir: app.getPath('userData'),
  documentsDir: app.getPath('documents'),
  dialogs,
  trainingWorkerEntry: join(ROOT, 'engine', 'node', 'train', 'worker.ts'),
  emit: (channel, payload) => {
    for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) sendEvent(win.webContents, channel, payload);
  },
  onRecentFilesChanged: (files) => {
    if (files[0]) app.addRecentDocument(files[0]);
    else app.clearRecentDocuments();
    setMenu(files);
  },
});

function setMenu(recentFiles: readonly string[]): void {
  const template = buildMenuTemplate({
    platform: process.platform,
    appName: 'LayerLoom',
    recentFiles,
    send: sendCommand,
    clearRecent: () => void services.recentFilesClear({}),
    dev: !app.isPackaged,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function createWindow(): Promise<void> {
  const statePath = join(app.getPath('userData'), 'window-state.json');
  const placed = placeWindow(await loadWindowState(statePath), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    x: placed.x,
    y: placed.y,
    width: placed.width,
    height: placed.height,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'LayerLoom',
    backgroundColor: '#111318',
    webPreferences: {
      // Reviewed (electronegativity PRELOAD_JS_CHECK): the sandboxed preload exposes only `invoke` and `on` for the
      // contract's channels, never ipcRenderer or Node (preload-bridge.ts, preload-bridge.test.ts).
      preload: PRELOAD, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // No auxclick events: a middle click cannot drive page script (navigation still goes through the guards).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (placed.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  let timer: ReturnType<typeof setTimeout> | undefined;
  const remember = () => {
    if (win.isDestroyed()) return;
    const bounds = win.getNormalBounds();
    void saveWindowState(statePath, { ...bounds, maximized: win.isMaximized() }).catch(() => undefined);
  };
  const rememberSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(remember, 500);
  };
  win.on('resize', rememberSoon);
  win.on('move', rememberSoon);
  win.on('close', () => {
    clearTimeout(timer);
    remember();
  });
  await win.loadURL(APP_URL);
}

// Navigation away, redirects, webviews and new windows are refused; a clicked web link opens in the system browser.
app.on('web-contents-created', (_event, contents) => installWindowGuards(contents, { shell }));

app.whenReady().then(async () => {
  // Deny every permission prompt (camera, notifications, ...) except writing to the clipboard.
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => permission === 'clipboard-sanitized-write');
  protocol.handle(APP_SCHEME, serveRenderer);
  registerHostHandlers(ipcMain, services);
  setMenu((await services.recentFilesGet({})).files);
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
}).catch((err: unknown) => {
  dialog.showErrorBox('LayerLoom could not start', (err as Error)?.message ?? String(err));
  app.quit();
});

app.on('will-quit', () => void services.dispose());

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
