import { describe, expect, it } from 'vitest';
import { installWindowGuards, isExternalWebUrl, USER_ACTIVATION_MS, type GuardedContentsLike, type PreventableLike, type UserInputLike, type WindowOpenDetailsLike } from './window-guards';

type Listener = (event: PreventableLike, arg: never) => void;

/** A stand-in for Electron's WebContents that records what main installs and lets the test fire events. */
function fakeContents() {
  const listeners = new Map<string, Listener[]>();
  let openHandler: ((details: WindowOpenDetailsLike) => { action: 'deny' }) | null = null;
  const contents = {
    on(event: string, listener: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    },
    setWindowOpenHandler(handler: (details: WindowOpenDetailsLike) => { action: 'deny' }) {
      openHandler = handler;
    },
  } as unknown as GuardedContentsLike;
  /** Fires `event` with `arg`; true when a listener called preventDefault. */
  const fire = (event: string, arg?: unknown): boolean => {
    let prevented = false;
    const e = { preventDefault: () => void (prevented = true) };
    for (const l of listeners.get(event) ?? []) l(e, arg as never);
    return prevented;
  };
  return {
    contents,
    fire,
    navigate: (url: string) => fire('will-navigate', url),
    redirect: (url: string) => fire('will-redirect', url),
    open: (url: string) => openHandler!({ url }),
    input: (input: UserInputLike) => fire(input.type.startsWith('key') ? 'before-input-event' : 'before-mouse-event', input),
    hasOpenHandler: () => openHandler !== null,
  };
}

/** Guards on a fake contents with a fake shell and clock. */
function setup() {
  const opened: string[] = [];
  const refused: string[] = [];
  let clock = 1_000_000;
  const fake = fakeContents();
  installWindowGuards(fake.contents, {
    shell: { openExternal: async (url) => void opened.push(url) },
    now: () => clock,
    report: (what, url) => void (what === 'refused' ? refused.push(url) : undefined),
  });
  const click = () => fake.input({ type: 'mouseUp', button: 'left' });
  return { ...fake, opened, refused, click, advance: (ms: number) => void (clock += ms) };
}

describe('window guards (what main installs on every web contents)', () => {
  it('keeps navigation inside app://layerloom and refuses redirects out', () => {
    const g = setup();
    expect(g.navigate('app://layerloom/index.html#x')).toBe(false);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'http://127.0.0.1:8080/', 'javascript:alert(1)', 'data:text/html,hi']) {
      expect(g.navigate(url), url).toBe(true);
      expect(g.redirect(url), url).toBe(true);
    }
    expect(g.redirect('app://layerloom/index.html')).toBe(false);
    // Nothing was clicked, so nothing went to the system browser either.
    expect(g.opened).toEqual([]);
  });

  it('refuses every new window and webview', () => {
    const g = setup();
    expect(g.hasOpenHandler()).toBe(true);
    for (const url of ['app://layerloom/index.html', 'https://example.com/', 'about:blank', 'file:///tmp/x.html']) {
      g.click();
      expect(g.open(url)).toEqual({ action: 'deny' });
    }
    expect(g.fire('will-attach-webview')).toBe(true);
    // Only the clicked web link left the app, in the system browser, not in a new app window.
    expect(g.opened).toEqual(['https://example.com/']);
  });

  it('opens an http(s) link externally only right after a real left click or Enter, once per click', () => {
    const g = setup();
    // A script's window.open with no user input: refused.
    g.open('https://example.com/no-click');
    // A right click or a mouse-down alone does not count.
    g.input({ type: 'mouseUp', button: 'right' });
    g.input({ type: 'mouseDown', button: 'left' });
    g.open('https://example.com/right-click');
    // A left click: opened once; a second open on the same click is refused.
    g.click();
    g.open('https://example.com/clicked');
    g.open('https://example.com/second-on-same-click');
    // Enter on a focused link counts too.
    g.input({ type: 'keyDown', key: 'Enter' });
    g.advance(USER_ACTIVATION_MS);
    g.open('http://example.com/enter');
    // A click long ago does not.
    g.click();
    g.advance(USER_ACTIVATION_MS + 1);
    g.open('https://example.com/stale');
    // A plain link (no target) clicked: the app stays, the browser opens it.
    g.click();
    expect(g.navigate('https://example.com/plain-link')).toBe(true);
    expect(g.opened).toEqual(['https://example.com/clicked', 'http://example.com/enter', 'https://example.com/plain-link']);
    expect(g.refused).toEqual(['https://example.com/no-click', 'https://example.com/right-click', 'https://example.com/second-on-same-click', 'https://example.com/stale']);
  });

  it('never hands other schemes to the shell, even on a click', () => {
    const g = setup();
    for (const url of ['file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'mailto:a@b.c', 'ms-settings:', 'https://user:pw@example.com/', 'not a url', '']) {
      g.click();
      g.open(url);
      expect(isExternalWebUrl(url), url).toBe(false);
    }
    expect(g.opened).toEqual([]);
    expect(isExternalWebUrl('https://example.com/a?b#c')).toBe(true);
  });
});
