/**
 * A minimal declaration of the Electron APIs LayerLoom's main and preload use, for machines where the
 * `electron` package (and so its types) is not installed — it is an optional dependency that npm skips on
 * Node < 22.12. `tsconfig.node.json` maps `electron` to the real package first and to this file only when
 * the package is absent. Signatures are copied from Electron 45's `electron.d.ts`, narrowed to what we call;
 * the code is also checked against the real types (see the electron/README note in the report).
 */
/* eslint-disable */

export interface Rectangle { x: number; y: number; width: number; height: number }
export interface Display { workArea: Rectangle; bounds: Rectangle }

export interface Event { preventDefault(): void }

export interface WebFrameMain { url: string; parent: WebFrameMain | null }

export interface HandlerDetails { url: string; frameName: string; features: string; disposition: 'default' | 'foreground-tab' | 'background-tab' | 'new-window' | 'other' }
export interface MouseInputEvent { type: 'mouseDown' | 'mouseUp' | 'mouseEnter' | 'mouseLeave' | 'contextMenu' | 'mouseWheel' | 'mouseMove'; x: number; y: number; button?: 'left' | 'middle' | 'right'; clickCount?: number }
export interface Input { type: 'keyUp' | 'keyDown'; key: string; code: string; isAutoRepeat: boolean }
export type WindowOpenHandlerResponse = { action: 'deny' } | { action: 'allow' };

export interface WebContents {
  id: number;
  send(channel: string, ...args: any[]): void;
  isDestroyed(): boolean;
  getURL(): string;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: Event, url: string) => void): this;
  on(event: 'will-attach-webview', listener: (event: Event) => void): this;
  on(event: 'before-mouse-event', listener: (event: Event, mouse: MouseInputEvent) => void): this;
  on(event: 'before-input-event', listener: (event: Event, input: Input) => void): this;
}

export interface WebPreferences {
  preload?: string;
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInWorker?: boolean;
  webSecurity?: boolean;
  allowRunningInsecureContent?: boolean;
  webviewTag?: boolean;
  navigateOnDragDrop?: boolean;
  spellcheck?: boolean;
  disableBlinkFeatures?: string;
}

export interface BrowserWindowConstructorOptions {
  x?: number; y?: number; width?: number; height?: number; minWidth?: number; minHeight?: number;
  show?: boolean; title?: string; backgroundColor?: string; webPreferences?: WebPreferences;
}

export class BrowserWindow {
  constructor(options?: BrowserWindowConstructorOptions);
  static getFocusedWindow(): BrowserWindow | null;
  static getAllWindows(): BrowserWindow[];
  readonly webContents: WebContents;
  isDestroyed(): boolean;
  isMaximized(): boolean;
  maximize(): void;
  show(): void;
  getNormalBounds(): Rectangle;
  loadURL(url: string): Promise<void>;
  on(event: 'resize' | 'move' | 'close', listener: () => void): this;
  once(event: 'ready-to-show', listener: () => void): this;
}

export interface FileFilter { name: string; extensions: string[] }
export interface OpenDialogOptions { title?: string; defaultPath?: string; filters?: FileFilter[]; properties?: Array<'openFile' | 'openDirectory' | 'multiSelections'> }
export interface SaveDialogOptions { title?: string; defaultPath?: string; filters?: FileFilter[] }
export interface OpenDialogReturnValue { canceled: boolean; filePaths: string[] }
export interface SaveDialogReturnValue { canceled: boolean; filePath: string }

export const dialog: {
  showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showSaveDialog(window: BrowserWindow, options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showErrorBox(title: string, content: string): void;
};

export interface MenuItemConstructorOptions {
  label?: string;
  accelerator?: string;
  enabled?: boolean;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
  role?: 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'delete' | 'selectAll' | 'reload' | 'forceReload' | 'toggleDevTools'
    | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen' | 'close' | 'quit' | 'help' | 'services' | 'hide'
    | 'hideOthers' | 'unhide' | 'windowMenu' | 'about';
  submenu?: MenuItemConstructorOptions[];
  click?: (...args: any[]) => void;
}

export interface MenuItem { label: string; enabled: boolean; submenu?: Menu }

export class Menu {
  static buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
  static setApplicationMenu(menu: Menu | null): void;
  static getApplicationMenu(): Menu | null;
  items: MenuItem[];
}

export interface IpcMainInvokeEvent { sender: WebContents; senderFrame: WebFrameMain | null }
export const ipcMain: {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: any[]) => Promise<any> | any): void;
  removeHandler(channel: string): void;
};

export interface IpcRendererEvent { sender: unknown }
export const ipcRenderer: {
  invoke(channel: string, ...args: any[]): Promise<any>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: any[]) => void): unknown;
  removeListener(channel: string, listener: (...args: any[]) => void): unknown;
};

export const shell: { openExternal(url: string, options?: { activate?: boolean }): Promise<void> };

export const contextBridge: { exposeInMainWorld(apiKey: string, api: any): void };

export interface CustomScheme {
  scheme: string;
  privileges?: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; codeCache?: boolean; corsEnabled?: boolean; stream?: boolean };
}
export const protocol: {
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
};

export const screen: { getAllDisplays(): Display[] };

export interface Session {
  setPermissionRequestHandler(handler: ((webContents: WebContents, permission: string, callback: (granted: boolean) => void) => void) | null): void;
  setPermissionCheckHandler(handler: ((webContents: WebContents | null, permission: string) => boolean) | null): void;
}
export const session: { defaultSession: Session };

export const app: {
  isPackaged: boolean;
  whenReady(): Promise<void>;
  quit(): void;
  enableSandbox(): void;
  getPath(name: 'userData' | 'documents' | 'home' | 'temp'): string;
  setPath(name: 'userData', path: string): void;
  addRecentDocument(path: string): void;
  clearRecentDocuments(): void;
  on(event: 'web-contents-created', listener: (event: Event, contents: WebContents) => void): unknown;
  on(event: 'window-all-closed' | 'activate' | 'will-quit', listener: () => void): unknown;
};
