/**
 * The read-only Monaco view of one generated file, linked to the canvas: the selected nodes' lines are
 * highlighted and revealed; a click on a line that builds a node selects that node and centres it.
 */
import { useEffect, useRef } from 'react';
import { nodeAtLine, type SourceMap } from '../../../../engine/codegen/source-map';
import { useEditor } from '../../store';
import { useCodePanel } from './code-store';
import type { monaco as Monaco } from './monaco-setup';
import { highlightIds } from './reveal';

type MonacoApi = typeof Monaco;

/** Props: the text, its language and source map, the app theme. */
export interface CodeEditorProps {
  api: MonacoApi;
  text: string;
  language: 'typescript' | 'python';
  sourceMap: SourceMap;
  /** The map is an opened block's (`scopeSourceMap`): a selected layer without lines of its own shows the block's. */
  scoped?: boolean;
  theme: 'dark' | 'light';
  /** Called with the node whose line was clicked. */
  onLineNode(id: string): void;
}

/** Lines of the selected nodes, as Monaco decorations (whole-line background and a gutter mark). */
function decorationsFor(api: MonacoApi, map: SourceMap, ids: readonly string[]): Monaco.editor.IModelDeltaDecoration[] {
  const out: Monaco.editor.IModelDeltaDecoration[] = [];
  for (const id of ids) {
    for (const r of map[id] ?? []) {
      out.push({
        range: new api.Range(r.start, 1, r.end, 1),
        options: { isWholeLine: true, className: 'll-code__hl', linesDecorationsClassName: 'll-code__hl-mark' },
      });
    }
  }
  return out;
}

/**
 * Puts `text` into `model` by replacing only the span that differs (common prefix and suffix kept), so an edit
 * re-tokenizes and re-wraps a few lines instead of the whole file, and the view does not jump.
 */
export function replaceChanged(api: MonacoApi, model: Monaco.editor.ITextModel, text: string): void {
  const old = model.getValue();
  if (old === text) return;
  const max = Math.min(old.length, text.length);
  let start = 0;
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && old.charCodeAt(old.length - 1 - end) === text.charCodeAt(text.length - 1 - end)) end++;
  const from = model.getPositionAt(start);
  const to = model.getPositionAt(old.length - end);
  model.applyEdits([{ range: new api.Range(from.lineNumber, from.column, to.lineNumber, to.column), text: text.slice(start, text.length - end) }]);
}

/** The Monaco editor; created once, then its model text, language, theme and decorations follow the props. */
export function CodeEditor({ api, text, language, sourceMap, scoped = false, theme, onLineNode }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<Monaco.editor.IEditorDecorationsCollection | null>(null);
  const mapRef = useRef(sourceMap);
  mapRef.current = sourceMap;
  const onLineRef = useRef(onLineNode);
  onLineRef.current = onLineNode;

  useEffect(() => {
    const ed = api.editor.create(host.current!, {
      value: '',
      language,
      readOnly: true,
      domReadOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 12,
      lineNumbersMinChars: 4,
      renderLineHighlight: 'none',
      theme: theme === 'dark' ? 'layerloom-dark' : 'layerloom-light',
      // Wrapped: the drawer is narrower than the generated lines, and a click never scrolls the code sideways.
      wordWrap: 'on',
      wrappingIndent: 'deepIndent',
      contextmenu: false,
    });
    editor.current = ed;
    decorations.current = ed.createDecorationsCollection([]);
    // Test builds only: specs and benchmarks read the whole text (Monaco renders only the visible lines).
    if (__LAYERLOOM_TEST_HOOK__) (globalThis as { __layerloomCode?: () => string }).__layerloomCode = () => ed.getModel()?.getValue() ?? '';
    // A click in a line that builds a node selects the node and centres it on the canvas.
    const click = ed.onMouseDown((e) => {
      const line = e.target.position?.lineNumber;
      if (!line) return;
      const id = nodeAtLine(mapRef.current, line);
      if (!id) return;
      onLineRef.current(id);
    });
    return () => {
      click.dispose();
      ed.getModel()?.dispose();
      ed.dispose();
      editor.current = null;
    };
    // The editor is created once per Monaco instance; text, language and theme are applied by the effects below.
  }, [api]);

  useEffect(() => {
    api.editor.setTheme(theme === 'dark' ? 'layerloom-dark' : 'layerloom-light');
  }, [api, theme]);

  useEffect(() => {
    const ed = editor.current;
    const model = ed?.getModel();
    if (!ed || !model) return;
    if (model.getLanguageId() !== language) api.editor.setModelLanguage(model, language);
    replaceChanged(api, model, text);
  }, [api, text, language]);

  // Selected nodes' lines: highlighted, and the first range revealed when it is out of view.
  const selection = useEditor((s) => s.selection);
  const lineNode = useCodePanel((s) => s.lineNode);
  useEffect(() => {
    const ed = editor.current;
    if (!ed) return;
    let ids = highlightIds(selection, Object.keys(sourceMap), lineNode);
    if (scoped && selection.length && !ids.length) ids = Object.keys(sourceMap);
    decorations.current?.set(decorationsFor(api, sourceMap, ids));
    const first = ids.map((id) => sourceMap[id]?.[0]).find((r) => r);
    if (first) ed.revealLinesInCenterIfOutsideViewport(first.start, first.end, api.editor.ScrollType.Smooth);
  }, [api, sourceMap, scoped, selection, lineNode]);

  return <div className="ll-code__editor" ref={host} data-testid="code-editor" />;
}
