/** Where the e2e specs and the UI benchmark find Chromium, and how they launch it. */
import { existsSync } from 'node:fs';

/** Debian's Chromium (installed by `scripts/setup.sh`); `LAYERLOOM_CHROMIUM` overrides it. */
export const CHROMIUM_PATH = process.env.LAYERLOOM_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser specs cannot run here, or null when they can. */
export const chromiumMissing: string | null = existsSync(CHROMIUM_PATH)
  ? null
  : `no Chromium at ${CHROMIUM_PATH} (run \`bash scripts/setup.sh\` to install it, or set LAYERLOOM_CHROMIUM)`;

/** Flags for a quiet, deterministic headless Chromium in CI (no sandbox: CI runs as root in a container). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
