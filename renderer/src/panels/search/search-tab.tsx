/**
 * The training drawer's Search tab: the design's search (the params marked searchable in the inspector, the
 * constraints the analysis checks before training, method, budget, batches; the dataset is the Setup tab's), Start
 * and Stop, the live accuracy-vs-MACs plot with its Pareto front, every candidate in a table (the refused ones with
 * the reason), the selected or hovered candidate's params and "Apply to canvas", and the searches kept before.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { documentSpace, formatSearchValues, type DesignDocument } from '../../engine';
import { errorDetailText } from '../../i18n/messages';
import { useEditor } from '../../store';
import { formatCompact, formatInt } from '../../ui/format';
import { Icon } from '../../ui/icons';
import { Field, NumberField } from '../training/fields';
import { parseDatasetText } from '../training/dataset-spec';
import { applyCandidate, openSearch, refreshSearches, startSearch, stopSearch } from './search-controller';
import { SearchPlot } from './search-plot';
import './search.css';
import { isSearchActive, type CandidateView, type SearchView } from './search-view';

type Settings = NonNullable<DesignDocument['search']>;
type Constraints = Settings['constraints'];

const DEFAULTS: Settings = { params: [], constraints: {}, method: 'random', budget: 6, batches: 20 };

function setSearch(patch: Partial<Omit<Settings, 'params'>>, key: string): void {
  useEditor.getState().dispatch({ kind: 'setSearch', search: patch }, { coalesce: `search:${key}` });
}

/** A constraint: empty means none; committed on blur or Enter when it is a positive number. */
function ConstraintField({ value, scale = 1, name, integer }: { value: number | undefined; scale?: number; name: keyof Constraints; integer?: boolean }) {
  const { t } = useTranslation('search');
  const shown = value === undefined ? '' : String(value / scale);
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  const n = Number(text);
  const ok = text.trim() === '' || (Number.isFinite(n) && n > 0 && (!integer || Number.isInteger(n)));
  const commit = () => {
    if (!ok) return setText(shown);
    const next = text.trim() === '' ? undefined : n * scale;
    if (next !== value) setSearch({ constraints: { [name]: next } }, name);
  };
  return (
    <Field label={t(`settings.${name}`)}>
      <input className={`ll-input mono${ok ? '' : ' is-invalid'}`} value={text} placeholder={t('settings.none')} aria-invalid={!ok} onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()} data-testid={`search-${name}`} />
    </Field>
  );
}

function SearchSettingsForm({ active }: { active: boolean }) {
  const { t } = useTranslation('search');
  const doc = useEditor((s) => s.doc);
  const search = doc.search ?? DEFAULTS;
  const nodes = doc.nodes;
  const dataset = doc.training.dataset;
  const space = useMemo(() => documentSpace(doc), [doc]);
  const spec = parseDatasetText(dataset);
  const datasetLabel = spec.kind === 'default' ? t('ui:dataset.kind.default') : dataset;
  const c = search.constraints;
  return (
    <div className="ll-search__settings">
      <fieldset disabled={active}>
        <legend>{t('settings.params')}</legend>
        {space ? (
          <ul className="ll-search__params" data-testid="search-params">
            {space.params.map((p) => (
              <li key={`${p.node}.${p.param}`}>
                <span className="mono">{nodes.find((n) => n.id === p.node || n.name === p.node)?.name ?? p.node}.{p.param}</span>
                <span className="mono ll-train__hint">{formatSearchValues(p.values)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="ll-train__hint" data-testid="search-no-params">{t('settings.noParams')}</p>
        )}
        <div className="ll-train__grid">
          <Field label={t('settings.method')} hint={t('settings.methodHint')}>
            <select className="ll-input" value={search.method} onChange={(e) => setSearch({ method: e.target.value as Settings['method'] }, 'method')} data-testid="search-method">
              <option value="random">{t('settings.random')}</option>
              <option value="halving">{t('settings.halving')}</option>
            </select>
          </Field>
          <Field label={t('settings.budget')}>
            <NumberField value={search.budget} integer valid={(v) => v >= 1 && v <= 1000} onCommit={(budget) => setSearch({ budget }, 'budget')} testId="search-budget" />
          </Field>
          <Field label={t('settings.batches')} hint={t('settings.batchesHint')}>
            <NumberField value={search.batches} integer valid={(v) => v >= 1 && v <= 100000} onCommit={(batches) => setSearch({ batches }, 'batches')} testId="search-batches" />
          </Field>
        </div>
      </fieldset>
      <fieldset disabled={active}>
        <legend>{t('settings.constraints')}</legend>
        <div className="ll-train__grid">
          <ConstraintField name="maxParams" value={c.maxParams} />
          <ConstraintField name="maxMacs" value={c.maxMacs} />
          <ConstraintField name="maxTrainingBytes" value={c.maxTrainingBytes} scale={1048576} />
          <ConstraintField name="minReceptiveField" value={c.minReceptiveField} integer />
        </div>
      </fieldset>
      <p className="ll-train__hint">{t('settings.data', { dataset: datasetLabel })}</p>
    </div>
  );
}

function Choice({ view, c }: { view: SearchView; c: CandidateView }) {
  const labels = useParamLabels(view);
  return (
    <>
      {labels.map((l) => (
        <span key={l.key} className="ll-search__choice mono">
          {l.label} = {formatSearchValues([c.choice[l.key]])}
        </span>
      ))}
    </>
  );
}

/** The display name of a searched param: `<layer name>.<param>`. */
function useParamLabels(view: SearchView): { key: string; layer: string; param: string; label: string }[] {
  const nodes = useEditor((s) => s.doc.nodes);
  return (view.space?.params ?? []).map((p) => {
    const layer = nodes.find((n) => n.id === p.node || n.name === p.node)?.name ?? p.node;
    return { key: `${p.node}.${p.param}`, layer, param: p.param, label: `${layer}.${p.param}` };
  });
}

function CandidateTable({ view, selected, onHover }: { view: SearchView; selected: string | null; onHover: (id: string | null) => void }) {
  const { t } = useTranslation('search');
  const onFront = new Set(view.front);
  const columns = useParamLabels(view);
  return (
    <table className="ll-train__table ll-search__table" data-testid="search-candidates">
      <thead>
        <tr>
          <th>{t('table.candidate')}</th>
          {columns.map((c) => (
            <th key={c.key} className="mono" title={c.label}>
              {c.layer}
              <br />
              {c.param}
            </th>
          ))}
          <th>{t('table.macs')}</th>
          <th>{t('table.accuracy')}</th>
        </tr>
      </thead>
      <tbody onMouseLeave={() => onHover(null)}>
        {view.candidates.map((c) => (
          <tr
            key={c.id}
            className={`${selected === c.id ? 'is-selected' : ''}${c.rejected ? ' is-rejected' : ''}`}
            onClick={() => useEditor.getState().setSearchSelected(c.id)}
            onMouseEnter={() => onHover(c.id)}
            data-testid={`search-row-${c.id}`}
            data-state={c.rejected ? 'rejected' : c.failed ? 'failed' : c.accuracy !== null ? 'trained' : c.training !== null ? 'training' : 'waiting'}
          >
            <td className="mono">
              {c.id}
              <div>
                {onFront.has(c.id) && <span className="ll-search__tag" title={t('table.frontHint')}>{t('table.frontTag')}</span>}
                {view.best === c.id && <span className="ll-search__tag is-best" title={t('table.bestHint')}>{t('table.bestTag')}</span>}
              </div>
            </td>
            {columns.map((k) => (
              <td key={k.key} className="mono">{formatSearchValues([c.choice[k.key]])}</td>
            ))}
            <td className="mono" title={t('table.costHint', { macs: formatInt(c.macs), params: formatInt(c.params) })}>{formatCompact(c.macs)}</td>
            <td className="mono ll-search__acc">
              {c.rejected ? (
                <span className="ll-train__error" data-testid={`search-rejected-${c.id}`}>{t('table.refused', { reason: errorDetailText({ message: c.rejected, detail: c.rejectedDetail }) })}</span>
              ) : c.failed ? (
                <span className="ll-train__error" data-testid={`search-failed-${c.id}`}>{t('table.failed', { reason: errorDetailText({ message: c.failed, detail: c.failedDetail ?? undefined }) })}</span>
              ) : c.accuracy !== null ? (
                <span title={t('table.afterBatches', { batches: c.batches })}>{(c.accuracy * 100).toFixed(1)}%</span>
              ) : c.training !== null ? (
                <span className="ll-train__hint">{t('table.training', { round: c.training })}</span>
              ) : (
                <span className="ll-train__hint">{isSearchActive(view.phase) ? t('table.waiting') : t('table.notTrained')}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CandidateDetails({ view, id }: { view: SearchView; id: string | null }) {
  const { t } = useTranslation('search');
  const c = view.candidates.find((x) => x.id === id);
  if (!c) return <p className="ll-train__hint">{t('details.hint')}</p>;
  return (
    <div className="ll-search__details" data-testid="search-details">
      <strong className="mono">{c.id}</strong>
      <Choice view={view} c={c} />
      <span className="mono ll-train__hint">{t('details.cost', { macs: formatCompact(c.macs), params: formatInt(c.params) })}{c.accuracy !== null ? ` · ${(c.accuracy * 100).toFixed(1)}%` : ''}</span>
      <button className="ll-button is-small is-primary" onClick={() => applyCandidate(c.id)} data-testid="search-apply">
        {t('details.apply')}
      </button>
    </div>
  );
}

function PastSearches({ active }: { active: boolean }) {
  const { t } = useTranslation('search');
  const { list, current } = useEditor(useShallow((s) => ({ list: s.searchList, current: s.searchView.searchId })));
  useEffect(() => void refreshSearches(), []);
  if (list.length === 0) return null;
  return (
    <Field label={t('run.kept')}>
      <select className="ll-input" value={current ?? ''} disabled={active} onChange={(e) => e.target.value && void openSearch(e.target.value)} data-testid="search-history">
        {current === null && <option value="">—</option>}
        {list.map((s) => (
          <option key={s.searchId} value={s.searchId}>
            {t('run.keptItem', { date: s.searchId.slice(0, 19).replace('T', ' '), design: s.design, status: t(`run.phase.${s.status}`), trained: s.trained, candidates: s.candidates })}
            {s.bestAccuracy !== null ? t('run.keptBest', { accuracy: `${(s.bestAccuracy * 100).toFixed(1)}%` }) : ''}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The Search tab. */
export function SearchTab() {
  const { t } = useTranslation('search');
  const view = useEditor((s) => s.searchView);
  const selected = useEditor((s) => s.searchSelected);
  const hasSpace = useEditor((s) => documentSpace(s.doc) !== null);
  const [hovered, setHovered] = useState<string | null>(null);
  const active = isSearchActive(view.phase);
  const trained = view.candidates.filter((c) => c.accuracy !== null).length;
  const refused = view.candidates.filter((c) => c.rejected).length;
  return (
    <div className="ll-search" data-testid="search-tab" data-phase={view.phase}>
      <SearchSettingsForm active={active} />
      <div className="ll-search__results">
        <div className="ll-train__toolbar">
          {!active ? (
            <button className="ll-button is-small is-primary" disabled={!hasSpace} title={hasSpace ? t('run.startHint') : t('run.startDisabled')} onClick={() => void startSearch()} data-testid="search-start">
              <Icon name="search" size={12} /> {t('run.start')}
            </button>
          ) : (
            <button className="ll-button is-small is-danger" disabled={view.phase === 'stopping'} onClick={() => void stopSearch()} data-testid="search-stop">
              {view.phase === 'stopping' ? t('run.stopping') : t('run.stop')}
            </button>
          )}
          <span className={`ll-train__phase is-${view.phase === 'failed' ? 'error' : view.phase}`} data-testid="search-phase">{t(`run.phase.${view.phase === 'finished' ? (view.status ?? 'completed') : view.phase}`)}</span>
          {view.candidates.length > 0 && (
            <span className="ll-train__hint mono" data-testid="search-counts">
              {t('run.counts', { trained, refused, drawn: view.candidates.length })}{view.backend ? ` · ${view.backend}` : ''}{view.seconds !== null ? ` · ${view.seconds.toFixed(1)} s` : ''}
            </span>
          )}
          <PastSearches active={active} />
        </div>
        {view.error && (
          <div className="ll-train__failure" role="alert" data-testid="search-error">
            <Icon name="alert" size={14} />
            <div>
              <strong>{t('run.failedTitle')}</strong>
              <div>{errorDetailText({ message: view.error, detail: view.errorDetail ?? undefined })}</div>
            </div>
          </div>
        )}
        <div className="ll-search__grid">
          <figure>
            <figcaption>
              {t('plot.caption')} <span className="ll-search__key is-point">●</span> {t('plot.candidates')}, <span className="ll-search__key is-front">●</span> {t('plot.front')}
            </figcaption>
            <SearchPlot onHover={setHovered} />
            <CandidateDetails view={view} id={hovered ?? selected} />
          </figure>
          <div className="ll-search__table-wrap">
            {view.candidates.length > 0 ? <CandidateTable view={view} selected={selected} onHover={setHovered} /> : <p className="ll-train__empty">{t('table.empty')}</p>}
          </div>
        </div>
      </div>
    </div>
  );
}
