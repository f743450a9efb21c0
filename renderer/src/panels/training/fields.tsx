/** Small form fields of the training panel: a number field that only commits valid values, and a labelled row. */
import { useEffect, useState, type ReactNode } from 'react';

/** A labelled field. */
export function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="ll-train__field" title={hint}>
      <span>{label}</span>
      {children}
    </label>
  );
}

/**
 * A number input whose text may pass through invalid states while typing ("0.", "1e-"): only values that pass
 * `valid` are committed; on blur the text snaps back to the committed value.
 */
export function NumberField({ value, onCommit, valid, step, testId, integer }: { value: number; onCommit: (v: number) => void; valid: (v: number) => boolean; step?: number | 'any'; testId?: string; integer?: boolean }) {
  const [text, setText] = useState(String(value));
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setText(String(value));
  }, [value, focused]);
  const parsed = Number(text);
  const ok = text.trim() !== '' && Number.isFinite(parsed) && (!integer || Number.isInteger(parsed)) && valid(parsed);
  return (
    <input
      className={`ll-input mono${ok ? '' : ' is-invalid'}`}
      type="number"
      step={step ?? 'any'}
      value={text}
      aria-invalid={!ok}
      onFocus={() => setFocused(true)}
      onBlur={() => {
        setFocused(false);
        setText(String(value));
      }}
      onChange={(e) => {
        setText(e.target.value);
        const v = Number(e.target.value);
        if (e.target.value.trim() !== '' && Number.isFinite(v) && (!integer || Number.isInteger(v)) && valid(v)) onCommit(v);
      }}
      data-testid={testId}
    />
  );
}
