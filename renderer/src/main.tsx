/** Renderer entry: fonts and styles, the store's analysis and autosave loops, the test hook, then the app. */
import '@fontsource-variable/inter';
import '@fontsource-variable/jetbrains-mono';
import '@xyflow/react/dist/style.css';
import './styles/theme.css';
import './styles/app.css';
import './styles/canvas.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startAnalysis } from './analysis/runner';
import { App } from './app';
import { applyLanguage } from './i18n';
import { startAutosave } from './files/file-actions';
import { useEditor } from './store';
import { installTestHook } from './test-hook';

document.documentElement.dataset.theme = useEditor.getState().theme;
applyLanguage(useEditor.getState().language);
startAnalysis();
startAutosave();
// Only test builds carry the hook; in the app build the branch and the module are dropped.
if (__LAYERLOOM_TEST_HOOK__) installTestHook();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
