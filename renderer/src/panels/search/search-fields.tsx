/**
 * The inspector's "Architecture search" section: each param of the block a search may vary (widths, kernel sizes,
 * expansion ratios; `searchableParams` in the engine decides) gets a toggle and its candidate values. Ticking it
 * marks the param searchable with a first guess of values; edits are undoable commands saved with the design.
 */
import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { defaultSearchValues, formatSearchValues, parseSearchValues, searchableParams, type DesignNode } from '../../engine';
import { errorDetailText, type DetailedMessage } from '../../i18n/messages';
import { useEditor } from '../../store';

function SearchRow({ node, param }: { node: DesignNode; param: string }) {
  const { t } = useTranslation('search');
  const values = useEditor((s) => s.doc.search?.params.find((p) => p.node === node.id && p.param === param)?.values);
  const shown = values ? formatSearchValues(values) : '';
  const [text, setText] = useState(shown);
  // Kept by code + values, so the message follows a language switch.
  const [error, setError] = useState<DetailedMessage | null>(null);
  useEffect(() => {
    setText(shown);
    setError(null);
  }, [shown]);
  const dispatch = (v: unknown[] | null) => useEditor.getState().dispatch({ kind: 'setSearchParam', nodeId: node.id, param, values: v });
  const commit = () => {
    if (!values) return;
    const r = parseSearchValues(text, node, param);
    if (!r.ok) return setError({ message: r.error, detail: r.detail });
    setError(null);
    if (formatSearchValues(r.values) !== shown) dispatch(r.values);
  };
  return (
    <div className="ll-search-field" data-testid={`search-field-${param}`}>
      <label className="ll-check">
        <input type="checkbox" checked={values !== undefined} onChange={(e) => dispatch(e.target.checked ? defaultSearchValues(node, param) : null)} data-testid={`search-toggle-${param}`} />
        <Trans t={t} i18nKey="fields.toggle" values={{ param }} components={{ code: <span className="mono" /> }} />
      </label>
      {values && (
        <input
          className={`ll-input mono${error ? ' is-invalid' : ''}`}
          value={text}
          aria-label={t('fields.valuesLabel', { param })}
          aria-invalid={error !== null}
          title={t('fields.valuesHint')}
          onChange={(e) => setText(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          data-testid={`search-values-${param}`}
        />
      )}
      {error && <div className="ll-field__error" role="alert">{errorDetailText(error)}</div>}
    </div>
  );
}

/** The section (nothing for a block without searchable params). */
export function SearchFields({ node }: { node: DesignNode }) {
  const { t } = useTranslation('search');
  const params = searchableParams(node.type);
  const count = useEditor((s) => (s.doc.search?.params ?? []).filter((p) => p.node === node.id).length);
  if (params.length === 0) return null;
  return (
    <>
      <h3 className="ll-section-title">{count > 0 ? t('fields.titleCount', { count }) : t('fields.title')}</h3>
      <div className="ll-fields" data-testid="search-fields">
        {params.map((p) => (
          <SearchRow key={`${node.id}.${p}`} node={node} param={p} />
        ))}
      </div>
    </>
  );
}
