/** Runs once before the e2e specs: builds the renderer when missing or stale, says why specs will skip. */
import { ensureRenderer, findElectron } from '../scripts/build-app';
import { CHROMIUM_PATH, chromiumMissing } from './chromium';

export default function setup(): void {
  if (chromiumMissing) {
    console.log(`e2e: browser-mode specs skipped: ${chromiumMissing}`);
    return;
  }
  console.log(`e2e: Chromium ${CHROMIUM_PATH}`);
  const electron = findElectron();
  if (electron.reason) console.log(`e2e: Electron spec will skip: ${electron.reason}`);
  ensureRenderer({ test: true, log: (line) => console.log(`e2e: ${line}`) });
}
