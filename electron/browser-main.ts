/**
 * The browser-mode entry (bundled to `dist-electron/browser.mjs`, run by `npm start` when Electron is missing
 * or `--browser` is given): starts the server, prints the URL, tries to open it, stops on Ctrl+C.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { startBrowserServer, type BrowserServer } from './browser-server';

export { startBrowserServer } from './browser-server';
import { defaultUserDataDir } from './host-services';

/** Options of `runBrowserMode`. */
export interface BrowserModeOptions {
  /** The repository root (holds package.json and dist/renderer). */
  root: string;
  port?: number;
  /** Try to open the URL in the default browser (never fails when it can't). */
  open?: boolean;
  userDataDir?: string;
}

/** The command that opens a URL on this platform, if one exists. */
function openerFor(platform: string): { cmd: string; args: string[] } | null {
  if (platform === 'darwin') return { cmd: 'open', args: [] };
  if (platform === 'win32') return { cmd: 'cmd', args: ['/c', 'start', '""'] };
  const found = (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, 'xdg-open')));
  return found ? { cmd: 'xdg-open', args: [] } : null;
}

/** Opens `url` in the default browser; returns false (and never throws) when that is not possible. */
export function tryOpenUrl(url: string, platform = process.platform): boolean {
  const opener = openerFor(platform);
  if (!opener) return false;
  try {
    const child = spawn(opener.cmd, [...opener.args, url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/** Starts browser mode and keeps it running until SIGINT/SIGTERM. */
export async function runBrowserMode(options: BrowserModeOptions): Promise<BrowserServer> {
  const pkg = JSON.parse(await readFile(join(options.root, 'package.json'), 'utf8')) as { version: string };
  const server = await startBrowserServer({
    rendererDir: join(options.root, 'dist', 'renderer'),
    userDataDir: options.userDataDir ?? process.env.LAYERLOOM_USER_DATA ?? defaultUserDataDir(),
    documentsDir: process.cwd(),
    version: pkg.version,
    port: options.port,
    trainingWorkerEntry: join(options.root, 'engine', 'node', 'train', 'worker.ts'),
    // Dataset folders outside the documents folder the user allows at launch (e.g. /usr/share/datasets).
    datasetDirs: (process.env.LAYERLOOM_DATASET_DIRS ?? '').split(delimiter).filter(Boolean),
  });
  console.log(`\nLayerLoom is running in browser mode at:\n\n  ${server.url}\n\n(the token in the URL is this launch's secret; keep it private). Press Ctrl+C to stop.`);
  if (options.open !== false) {
    if (!tryOpenUrl(server.url)) console.log('(could not open a browser automatically: open the URL above yourself)');
  }
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}
