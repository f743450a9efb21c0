/** A small in-app text prompt (browser mode has no native file dialogs): `askText(...)` resolves to the text or null. */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { t } from '../i18n';

interface PromptRequest {
  id: number;
  title: string;
  hint: string;
  initial: string;
  confirm: string;
  resolve(value: string | null): void;
}

let nextId = 0;
const usePrompt = create<{ request: PromptRequest | null }>(() => ({ request: null }));

/** Asks for a line of text (a file path); resolves null when cancelled. */
export function askText(title: string, options: { hint?: string; initial?: string; confirm?: string } = {}): Promise<string | null> {
  return new Promise((resolve) => {
    usePrompt.getState().request?.resolve(null);
    usePrompt.setState({ request: { id: nextId++, title, hint: options.hint ?? '', initial: options.initial ?? '', confirm: options.confirm ?? t('common.ok'), resolve } });
  });
}

/** Renders the open prompt, if any. */
export function PromptDialog() {
  const request = usePrompt((s) => s.request);
  // A fresh form per request: its text starts as `initial` in the first render, so typing that arrives right
  // after the prompt opens is never overwritten by a later reset.
  return request ? <PromptForm key={request.id} request={request} /> : null;
}

function PromptForm({ request }: { request: PromptRequest }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(request.initial);
  const input = useRef<HTMLInputElement>(null);
  // The heading names the dialog and its one field; the hint describes the field (screen readers read both).
  const titleId = useId();
  const hintId = useId();
  useEffect(() => {
    input.current?.select();
  }, []);
  const close = (result: string | null) => {
    usePrompt.setState({ request: null });
    request.resolve(result);
  };
  return (
    <div className="ll-overlay" onMouseDown={(e) => e.target === e.currentTarget && close(null)}>
      <form
        className="ll-dialog"
        role="dialog"
        aria-labelledby={titleId}
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) close(value.trim());
        }}
      >
        <h2 id={titleId}>{request.title}</h2>
        {request.hint && <p className="ll-dialog__hint" id={hintId}>{request.hint}</p>}
        <input ref={input} className="ll-input mono" aria-labelledby={titleId} aria-describedby={request.hint ? hintId : undefined} value={value} onChange={(e) => setValue(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && close(null)} data-testid="prompt-input" />
        <div className="ll-dialog__actions">
          <button type="button" className="ll-button" onClick={() => close(null)}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="ll-button is-primary" data-testid="prompt-confirm">
            {request.confirm}
          </button>
        </div>
      </form>
    </div>
  );
}
