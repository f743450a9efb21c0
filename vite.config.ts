/**
 * Builds the renderer (`renderer/` -> `dist/renderer`) for both shells: a relative base so the same files
 * work under Electron's `app://layerloom/` and the browser-mode server's `http://127.0.0.1:<port>/`.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  // The page's test hook (window.__layerloom) exists only in test builds (scripts/build-app.js ensureRenderer({ test })).
  define: { __LAYERLOOM_TEST_HOOK__: JSON.stringify(process.env.LAYERLOOM_TEST_HOOK === '1') },
  // The analysis worker imports the engine: module workers keep it one code path with the page.
  worker: { format: 'es' },
  build: {
    outDir: process.env.LAYERLOOM_RENDERER_OUTDIR ?? fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No polyfill script: Chromium (Electron or the browser) supports modulepreload, and the CSP allows no inline script.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
