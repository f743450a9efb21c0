/** One inspector field: edits a parameter, validates as you type (zod messages), dispatches only valid values. */
import { memo, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { translateDetail } from '../i18n/messages';
import { useEditor } from '../store';
import { fromText, toText, validateField, type FieldSpec } from './param-fields';

interface Props {
  nodeId: string;
  schema: z.ZodType;
  params: Record<string, unknown>;
  spec: FieldSpec;
  value: unknown;
  /** The composite scope the node is in, when it is an inner layer of a composite expanded on the design's canvas. */
  scope?: readonly string[];
}

function ParamInputImpl({ nodeId, schema, params, spec, value, scope }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState(() => toText(value, spec.field));
  const [error, setError] = useState<string | null>(null);
  const [focused, setFocused] = useState(false);
  // Follow outside changes (undo, a fix) unless the user is typing in this field.
  useEffect(() => {
    if (!focused) {
      setText(toText(value, spec.field));
      setError(null);
    }
  }, [value, spec.field, focused]);

  const commit = (next: unknown) => {
    const message = validateField(schema, params, spec.key, next);
    setError(message === null ? null : translateDetail(message));
    if (message === null) useEditor.getState().dispatch({ kind: 'setParams', nodeId, params: { [spec.key]: next } }, { coalesce: `${scope?.join('/') ?? ''}/${nodeId}.${spec.key}`, ...(scope ? { scope } : {}) });
  };

  const onText = (t: string) => {
    setText(t);
    const parsed = fromText(t, spec.field, spec.optional);
    if ('error' in parsed) setError(parsed.error);
    else commit(parsed.value);
  };

  let control;
  if (spec.field.kind === 'boolean') {
    control = (
      <button
        id={id}
        role="switch"
        aria-checked={!!value}
        className={`ll-switch${value ? ' is-on' : ''}`}
        onClick={() => commit(!value)}
        data-testid={`param-${spec.key}`}
      >
        <span />
      </button>
    );
  } else if (spec.field.kind === 'enum') {
    control = (
      <select id={id} className="ll-input" value={String(value ?? '')} onChange={(e) => commit(e.target.value)} data-testid={`param-${spec.key}`}>
        {spec.field.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        id={id}
        className={`ll-input mono${error ? ' is-invalid' : ''}`}
        value={text}
        placeholder={spec.optional ? t('inspector.default') : ''}
        spellCheck={false}
        onChange={(e) => onText(e.target.value)}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        aria-invalid={!!error}
        data-testid={`param-${spec.key}`}
      />
    );
  }
  return (
    <div className={`ll-field${spec.field.kind === 'boolean' ? ' is-inline' : ''}`}>
      <label htmlFor={id}>{spec.label}</label>
      {control}
      {error && (
        <div className="ll-field__error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** Memoized field. */
export const ParamInput = memo(ParamInputImpl);
