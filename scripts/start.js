#!/usr/bin/env node
// `npm start`: builds the renderer if missing or stale and the host bundles, then opens LayerLoom in Electron
// when its binary is available, else (or with --browser) serves it on 127.0.0.1 and opens/prints the URL.
// Options: --browser (skip Electron), --no-open (only print the URL), --port N.
import { spawn } from 'node:child_process';
import { ROOT, buildHost, ensureRenderer, findElectron } from './build-app.js';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const portIndex = argv.indexOf('--port');
const port = portIndex >= 0 ? Number(argv[portIndex + 1]) : 0;
const known = new Set(['--browser', '--no-open', '--port']);
const unknown = argv.filter((a, i) => a.startsWith('--') && !known.has(a) && argv[i - 1] !== '--port');
if (unknown.length || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(unknown.length ? `start: unknown option ${unknown[0]} (expected --browser, --no-open, --port N)` : `start: --port expects a number 0-65535, got ${argv[portIndex + 1]}`);
  process.exit(2);
}

try {
  ensureRenderer();
  const bundles = await buildHost();
  const electron = flag('--browser') ? { reason: '--browser was given' } : findElectron();
  if (electron.path) {
    const args = [bundles.main];
    // Chromium refuses to run as root with its sandbox on Linux; say so rather than fail silently.
    if (process.platform === 'linux' && process.getuid?.() === 0) {
      console.log('Running as root: Electron needs --no-sandbox here (the renderer sandbox is off for this run).');
      args.unshift('--no-sandbox');
    }
    console.log(`Starting Electron (${electron.path})…`);
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE; // would make the binary a plain Node
    const child = spawn(electron.path, args, { cwd: ROOT, stdio: 'inherit', env });
    child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  } else {
    console.log(`Electron is not available: ${electron.reason}. Starting browser mode.`);
    const { runBrowserMode } = await import(bundles.browser);
    await runBrowserMode({ root: ROOT, port, open: !flag('--no-open') });
  }
} catch (err) {
  console.error(`start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
