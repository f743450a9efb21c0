/**
 * The interface's one translation layer (i18next + react-i18next). Every string the renderer shows comes from the
 * language files under ./locales/<language>/, bundled with the app (no network). Namespaces: `ui` (chrome,
 * panels, dialogs, toasts), `diagnostics` (engine diagnostics and their fixes, keyed by code), `blocks` (palette
 * categories, descriptions, explanations and param labels, keyed by block type), `templates` (the gallery's
 * titles and descriptions, keyed by template name) and `search` (the architecture search's inspector section and
 * tab). English texts written elsewhere once (block texts, template titles, export format descriptions) are
 * merged into the English files here. The CLI does not use it: its messages stay English.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { blockCatalog } from '../engine';
import { labelOf } from '../panels/param-fields';
import enBlocks from './locales/en/blocks.json';
import enDiagnostics from './locales/en/diagnostics.json';
import enSearch from './locales/en/search.json';
import enTemplates from './locales/en/templates.json';
import enUi from './locales/en/ui.json';
import zhBlocks from './locales/zh-CN/blocks.json';
import zhDiagnostics from './locales/zh-CN/diagnostics.json';
import zhSearch from './locales/zh-CN/search.json';
import zhTemplates from './locales/zh-CN/templates.json';
import zhUi from './locales/zh-CN/ui.json';
import { listTemplates } from '../../../templates';
import { EXPORT_FORMATS } from '../../../contract/model-io';

/** The interface languages, in the order the switch lists them. */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name written in that language (the switch shows these, untranslated). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '简体中文' };

/**
 * The English block texts (description, explanation, formulas) and param labels come from the engine's block
 * files, so they are written once; other languages translate them in their blocks.json, keyed by block type.
 */
function engineBlockTexts() {
  const block: Record<string, { description: string; explain?: string; formulas?: Record<string, string> }> = {};
  const param: Record<string, string> = {};
  for (const b of blockCatalog()) {
    block[b.type] = { description: b.description, ...(b.explain ? { explain: b.explain.text, formulas: { ...b.explain.formulas } } : {}) };
    for (const p of b.params) param[p.name] = labelOf(p.name);
  }
  return { block, param };
}

/** The English template titles and descriptions come from the templates themselves. */
function templateTexts() {
  return { template: Object.fromEntries(listTemplates().map((t) => [t.name, { title: t.title, description: t.description }])) };
}

/** The English export format descriptions come from the export contract (the CLI lists the same ones). */
function exportTexts() {
  return { ...enUi.export, describe: Object.fromEntries(EXPORT_FORMATS.map((f) => [f.id, f.describe])) };
}

/** The language files: language -> namespace -> nested keys. */
export const RESOURCES = {
  en: { ui: { ...enUi, export: exportTexts() }, diagnostics: enDiagnostics, blocks: { ...enBlocks, ...engineBlockTexts() }, templates: { ...enTemplates, ...templateTexts() }, search: enSearch },
  'zh-CN': { ui: zhUi, diagnostics: zhDiagnostics, blocks: zhBlocks, templates: zhTemplates, search: zhSearch },
} as const;

export const LANGUAGE_STORAGE_KEY = 'layerloom.language';

/** Whether a value names one of the interface languages. */
export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

/** The language to start in: the remembered choice, else Chinese for a Chinese browser, else English. */
export function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(LANGUAGE_STORAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    // storage unavailable: fall through to the browser's language
  }
  const nav = typeof navigator === 'undefined' ? '' : navigator.language ?? '';
  return /^zh\b/i.test(nav) ? 'zh-CN' : 'en';
}

/** The app's i18next instance (its own, so nothing else on the page can change its settings). */
export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: RESOURCES,
  lng: initialLanguage(),
  fallbackLng: 'en',
  ns: ['ui', 'diagnostics', 'blocks', 'templates', 'search'],
  defaultNS: 'ui',
  // Resources are bundled: initialise synchronously so the first render is already translated.
  initAsync: false,
  // React escapes what it renders.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Translates outside React (toasts, prompts built in actions); components use `useTranslation()` instead. */
export const t = i18n.t.bind(i18n);

/** Switches the interface language at once (every `useTranslation()` component re-renders) and sets `<html lang>`. */
export function applyLanguage(language: Language): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
  if (i18n.language !== language) void i18n.changeLanguage(language);
}
