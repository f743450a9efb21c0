/**
 * What main installs on every web contents so a page cannot leave the app: navigation and redirects away from
 * `app://layerloom` are cancelled, webviews and new windows refused. The one way out is a web link the user
 * clicked: an `http(s)` URL asked for (as a new window or a navigation) within a moment of a real left click or
 * Enter key — input main sees from the OS through `before-mouse-event` / `before-input-event`, which a script in
 * the page cannot fake — goes to the system browser through `shell.openExternal`, one URL per click.
 * Written against small structural interfaces so it is tested without Electron (`window-guards.test.ts`).
 */
import { isAppUrl } from './ipc-main';

/** The part of Electron's `Event` the guards call. */
export interface PreventableLike {
  preventDefault(): void;
}

/** The part of Electron's `MouseInputEvent` / `Input` the guards read. */
export interface UserInputLike {
  type: string;
  button?: string;
  key?: string;
}

/** The part of Electron's `HandlerDetails` (window open handler) the guards read. */
export interface WindowOpenDetailsLike {
  url: string;
}

/** The part of Electron's `WebContents` the guards hook. */
export interface GuardedContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableLike, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableLike) => void): unknown;
  on(event: 'before-mouse-event' | 'before-input-event', listener: (event: PreventableLike, input: UserInputLike) => void): unknown;
  setWindowOpenHandler(handler: (details: WindowOpenDetailsLike) => { action: 'deny' }): void;
}

/** The part of Electron's `shell` the guards use. */
export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

/** Options of `installWindowGuards`. */
export interface WindowGuardOptions {
  shell: ShellLike;
  /** The clock (tests pass a fake one). */
  now?: () => number;
  /** Told about each refused or opened URL (main logs nothing by default). */
  report?: (what: 'opened' | 'refused', url: string, reason: string) => void;
}

/** How long after a click or Enter key a link may still open (ms). */
export const USER_ACTIVATION_MS = 1000;

/** True for a plain `http:` / `https:` URL without credentials — the only kind handed to the system browser. */
export function isExternalWebUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.username === '' && parsed.password === '' && parsed.hostname !== '';
}

/** True for input that counts as the user activating a link: a left-button release or Enter pressed. */
export function isLinkActivation(input: UserInputLike): boolean {
  return (input.type === 'mouseUp' && input.button === 'left') || (input.type === 'keyDown' && input.key === 'Enter');
}

/**
 * Installs the guards on one web contents (main calls it from `web-contents-created`, so every frame and any
 * window Chromium might create gets them).
 */
export function installWindowGuards(contents: GuardedContentsLike, options: WindowGuardOptions): void {
  const now = options.now ?? Date.now;
  const report = options.report ?? (() => undefined);
  let activatedAt = Number.NEGATIVE_INFINITY;

  const noteInput = (_event: PreventableLike, input: UserInputLike) => {
    if (isLinkActivation(input)) activatedAt = now();
  };
  contents.on('before-mouse-event', noteInput);
  contents.on('before-input-event', noteInput);

  /** Opens `url` externally when it is a web link the user just clicked; the click is used up either way. */
  const openIfClicked = (url: string): void => {
    if (!isExternalWebUrl(url)) return report('refused', url, 'not an http(s) link');
    const clicked = now() - activatedAt <= USER_ACTIVATION_MS;
    activatedAt = Number.NEGATIVE_INFINITY;
    if (!clicked) return report('refused', url, 'not opened by a click or key press of the user');
    report('opened', url, 'clicked web link');
    // Reviewed (electronegativity OPEN_EXTERNAL_JS_CHECK): only http(s) URLs without credentials, one per user
    // click, reach the shell (isExternalWebUrl above; window-guards.test.ts).
    void options.shell.openExternal(url).catch(() => undefined); // eng-disable OPEN_EXTERNAL_JS_CHECK
  };

  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    openIfClicked(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    report('refused', url, 'redirect away from the app');
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    report('refused', '', 'webview');
  });
  contents.setWindowOpenHandler(({ url }) => {
    openIfClicked(url);
    return { action: 'deny' };
  });
}
