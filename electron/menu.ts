/**
 * The native menus (File, Edit, View, Help; plus the app menu on macOS) as a pure template builder.
 * Document commands (open, save, undo, ...) go to the renderer, which owns the document and its history;
 * clipboard items use Electron roles, which fire the page's `copy`/`cut`/`paste` events.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../contract/host-contract';

/** What the template needs to know. */
export interface MenuOptions {
  platform: string;
  appName: string;
  recentFiles: readonly string[];
  /** Sends a command to the focused window's renderer. */
  send(command: MenuCommand, path?: string): void;
  clearRecent(): void;
  /** Developer items (reload, devtools) only in unpackaged runs. */
  dev: boolean;
}

/** Builds the menu template; `Menu.buildFromTemplate` turns it into the application menu. */
export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions =>
    ({ label, ...(accelerator ? { accelerator } : {}), click: () => options.send(command) });
  const sep: MenuItemConstructorOptions = { type: 'separator' };

  const recent: MenuItemConstructorOptions[] = options.recentFiles.length
    ? [
        ...options.recentFiles.map((path): MenuItemConstructorOptions => ({ label: path, click: () => options.send('openRecent', path) })),
        sep,
        { label: 'Clear Recent', click: () => options.clearRecent() },
      ]
    : [{ label: 'No Recent Files', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      item('New Design', 'new', 'CmdOrCtrl+N'),
      item('Open…', 'open', 'CmdOrCtrl+O'),
      { label: 'Open Recent', submenu: recent },
      sep,
      item('Save', 'save', 'CmdOrCtrl+S'),
      item('Save As…', 'saveAs', 'Shift+CmdOrCtrl+S'),
      sep,
      item('Export…', 'exportModel', 'CmdOrCtrl+E'),
      item('Import Model…', 'importModel'),
      sep,
      mac ? { role: 'close' } : { role: 'quit', label: 'Exit', accelerator: 'Ctrl+Q' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      item('Undo', 'undo', 'CmdOrCtrl+Z'),
      item('Redo', 'redo', mac ? 'Shift+Cmd+Z' : 'Ctrl+Y'),
      sep,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      item('Duplicate', 'duplicate', 'CmdOrCtrl+D'),
      item('Delete', 'delete', mac ? 'Backspace' : 'Delete'),
      sep,
      item('Select All', 'selectAll', 'CmdOrCtrl+A'),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      item('Fit View', 'fitView', 'Shift+1'),
      item('Auto Layout', 'autoLayout', 'Shift+L'),
      item('Toggle Minimap', 'toggleMinimap', 'Shift+M'),
      item('Toggle Code Panel', 'toggleCode', 'CmdOrCtrl+Shift+K'),
      item('Toggle Dark/Light Theme', 'toggleTheme', 'CmdOrCtrl+Shift+T'),
      sep,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
      ...(options.dev ? [sep, { role: 'reload' } as const, { role: 'toggleDevTools' } as const] : []),
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [item('Keyboard Shortcuts', 'showShortcuts', 'CmdOrCtrl+/'), ...(mac ? [] : [sep, item(`About ${options.appName}`, 'about')])],
  };
  const appMenu: MenuItemConstructorOptions = {
    label: options.appName,
    submenu: [
      item(`About ${options.appName}`, 'about'),
      sep,
      { role: 'services' },
      sep,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      sep,
      { role: 'quit' },
    ],
  };
  return mac ? [appMenu, file, edit, view, { role: 'windowMenu' }, help] : [file, edit, view, help];
}
