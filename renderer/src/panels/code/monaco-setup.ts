/**
 * The slice of Monaco the code panel uses, bundled with the app (no CDN): the core editor API, the TypeScript and
 * Python tokenizers (no language services: the code is read-only), find and folding, and the editor worker
 * served from the app's own assets. Loaded lazily the first time the panel opens, so the editor's startup
 * does not pay for it.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/editor/contrib/find/browser/findController';
import 'monaco-editor/editor/contrib/folding/browser/folding';
import 'monaco-editor/editor/contrib/clipboard/browser/clipboard';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/python/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = { getWorker: () => new EditorWorker() };

/** Monaco themes named after the app's; colours from renderer/src/styles/theme.css. */
monaco.editor.defineTheme('layerloom-dark', {
  base: 'vs-dark',
  inherit: true,
  // vs-dark's comment green (#608b4e) is just under 4.5:1 on this background; a lighter one passes.
  rules: [{ token: 'comment', foreground: '73a05d' }],
  colors: {
    'editor.background': '#17181c',
    'editor.lineHighlightBackground': '#1e2025',
    'editorLineNumber.foreground': '#8b909a',
    'editorGutter.background': '#17181c',
  },
});
monaco.editor.defineTheme('layerloom-light', {
  base: 'vs',
  inherit: true,
  // vs's teal types (#008080, 4.2:1), green numbers (#098658, 4.0:1), grey annotations and bright reds fall under 4.5:1
  // on the tinted background of the selected node's lines (#efeffe) and of the cursor line; darker shades of the same hues pass.
  rules: [
    { token: 'type', foreground: '006b6b' },
    { token: 'number', foreground: '07704a' },
    { token: 'comment', foreground: '006f00' },
    { token: 'annotation', foreground: '6b6b6b' },
    { token: 'attribute.name', foreground: 'c00000' },
    { token: 'metatag', foreground: 'c00000' },
    { token: 'constant', foreground: 'c00000' },
  ],
  colors: {
    'editor.background': '#ffffff',
    'editor.lineHighlightBackground': '#f1f2f4',
    'editorLineNumber.foreground': '#666b78',
  },
});

export { monaco };
