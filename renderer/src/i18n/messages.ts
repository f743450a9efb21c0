/**
 * Engine messages in the interface language: a diagnostic or fix is written from its `code` and `values` with
 * the `diagnostics` language file; one without a text there (an older or newer engine) shows its English.
 */
import type { Diagnostic, Fix, MessageValues } from '../engine';
import type { DesignStory } from '../../../engine/inspect/why';
import { i18n } from './index';

type Translate = (key: string, options?: Record<string, unknown>) => string;
const current: Translate = (key, options) => String(i18n.t(key, options as never));

/** `detail.*` texts of the language file as patterns over the English (zod's messages of the engine's schemas). */
let detailPatterns: { key: string; re: RegExp; names: string[] }[] | null = null;

/**
 * A validation message (the engine's zod schemas write them in English) in the current language, when the language
 * files know it (the engine's own messages and zod's common ones: wrong type, wrong value, too big or small, with
 * the JSON types and units from `detailWord`); otherwise unchanged.
 */
export function translateDetail(english: string): string {
  detailPatterns ??= Object.entries((i18n.getResourceBundle('en', 'diagnostics') as { detail?: Record<string, string> }).detail ?? {}).map(([key, text]) => {
    const names = [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]);
    const source = text.split(/\{\{\w+\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.+?)');
    // A leading part (an index path like `[0]: `) is kept as it is.
    return { key, re: new RegExp(`^(.*?)${source}$`), names };
  });
  for (const p of detailPatterns) {
    const m = p.re.exec(english);
    // A captured word the schema library writes (a JSON type, a unit) is written in the language when it has a text.
    const word = (w: string) => (i18n.exists(`diagnostics:detailWord.${w.toLowerCase()}`) ? current(`diagnostics:detailWord.${w.toLowerCase()}`) : w);
    if (m) return m[1] + current(`diagnostics:detail.${p.key}`, Object.fromEntries(p.names.map((n, i) => [n, word(m[i + 2])])));
  }
  return english;
}

/** The values with each list written item by item (`item.<code>.<list>`) and joined by the language's separator. */
function flatten(code: string, values: MessageValues | undefined, t: Translate): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(values ?? {})) {
    out[k] = Array.isArray(v)
      ? v.map((item) => t(`diagnostics:item.${code}.${k}`, typeof item.detail === 'string' ? { ...item, detail: translateDetail(item.detail) } : item)).join(t(`diagnostics:item.${code}.${k}Separator`))
      : v;
  }
  return out;
}

/** Whether the language files hold a text for this message key (with its context, if any). */
function known(key: string, values: Record<string, unknown>): boolean {
  return i18n.exists(key, values);
}

/** A diagnostic's message in the current language. */
export function diagnosticText(d: Diagnostic, t: Translate = current): string {
  const values = flatten(d.code, d.values, t);
  const key = `diagnostics:message.${d.code}`;
  if (!known(key, values)) return d.message;
  const text = t(key, values);
  if (!d.subject) return text;
  const { name, type, layer } = d.subject;
  return layer ? t('diagnostics:subjectLayer', { name, type, layer, text }) : t('diagnostics:subject', { name, type, text });
}

/** A fix's button label in the current language. */
export function fixLabel(f: Fix, t: Translate = current): string {
  if (!f.code) return f.label;
  const values = flatten(f.code, f.values, t);
  const key = `diagnostics:fix.${f.code}`;
  return known(key, values) ? t(key, values) : f.label;
}

/** The "why it works" sentence on the last convolution's field, from the story's code and numbers. */
export function fieldVerdictText(story: DesignStory, t: Translate = current): string {
  const c = story.lastConv;
  return t(`ui:inspect.why.verdict.${story.fieldVerdictCode}`, {
    name: c?.name,
    fh: c?.size[0],
    fw: c?.size[1],
    h: story.input?.[0],
    w: story.input?.[1],
    pct: Math.round((c?.coverage ?? 0) * 100),
  });
}

/** Why a wire is refused, in the current language (the engine's English when the language files lack its code). */
export function connectRefusalText(verdict: { reason: string; code?: string; values?: Record<string, string> }, t: Translate = current): string {
  const key = `diagnostics:connect.${verdict.code}`;
  return verdict.code && known(key, verdict.values ?? {}) ? t(key, verdict.values) : verdict.reason;
}

/** An error or refusal as it arrives: its English message and, from a newer engine, the same by code + values. */
export interface DetailedMessage {
  message: string;
  detail?: MessageDetail;
}

type QuotedDiagnostic = { code: string; message: string; values?: MessageValues; subject?: Diagnostic['subject'] };
const quoted = (d: QuotedDiagnostic, t: Translate) => diagnosticText({ ...d, code: d.code as Diagnostic['code'], severity: 'error' }, t);

/** A detail as it arrives (the contracts' `ErrorDetailInfo`); `cause` is the detail it quotes as `reason`. */
interface MessageDetail {
  code: string;
  values?: Record<string, string | number>;
  diagnostic?: QuotedDiagnostic;
  diagnostics?: QuotedDiagnostic[];
  cause?: MessageDetail;
  causes?: MessageDetail[];
}

/**
 * An error's or refusal's detail in the current language (training errors, memory-budget refusals, the search's
 * refusals and errors, host errors): from `diagnostics:error.<code>` with its values when the language files know
 * the code; otherwise the English message. A quoted analysis problem (`diagnostic`, or several: `diagnostics`) or detail (`cause`, or several: `causes`) is written
 * from its own code, and a schema validation message (`issue`) with the `detail.*` patterns.
 */
export function errorDetailText(e: DetailedMessage, t: Translate = current): string {
  const d = e.detail;
  const key = `diagnostics:error.${d?.code}`;
  if (!d || !known(key, d.values ?? {})) return e.message;
  const values: Record<string, string | number> = { ...d.values };
  if (typeof values.issue === 'string') values.issue = translateDetail(values.issue);
  if (d.diagnostic) values.reason = quoted(d.diagnostic, t);
  if (d.diagnostics) values.reason = d.diagnostics.map((q) => quoted(q, t)).join(t('diagnostics:listSeparator'));
  if (d.cause) values.reason = errorDetailText({ message: String(values.reason ?? ''), detail: d.cause }, t);
  if (d.causes) {
    // A quoted detail without a text in the language files: the whole message stays English rather than mixed.
    const unknown = '\u0000';
    const lines = d.causes.map((c) => errorDetailText({ message: unknown, detail: c }, t));
    if (lines.includes(unknown)) return e.message;
    values.reason = lines.join(t('diagnostics:lineSeparator'));
  }
  return t(key, values);
}

/**
 * An engine `DesignError` raised in the app (e.g. a document that does not load) in the current language: its
 * detail's text after the path of the bad field; an error without a detail shows its English message.
 */
export function designErrorText(err: { message: string; path?: string; detail?: MessageDetail }, t: Translate = current): string {
  if (!err.detail) return err.message;
  const text = errorDetailText({ message: err.message, detail: err.detail }, t);
  return err.path ? t('diagnostics:atPath', { path: err.path, text }) : text;
}
