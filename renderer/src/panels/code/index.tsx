/** What the app mounts for code and model files: the code panel drawer and the export dialog. */
import { CodePanel } from './code-panel';
import { ExportDialog } from './export-dialog';

export { toggleCodePanel, useCodePanel } from './code-store';
export { importModelFile, openExportDialog } from './model-io-actions';

/** The code panel and the export dialog (each renders nothing while closed). */
export function CodeLayer() {
  return (
    <>
      <CodePanel />
      <ExportDialog />
    </>
  );
}
