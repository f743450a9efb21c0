/**
 * Dataset choice (stored in the document's training settings), a preview grid of samples per class with the
 * class balance, and the check that the design's input shape and class count fit the data, with a one-click
 * fix (the engine's `retarget` command). Folders are typed through the in-app path prompt.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getHostClient, HostCallError, type InvokeResponse } from '../../host';
import { t as translate } from '../../i18n';
import { useEditor } from '../../store';
import { askText } from '../../ui/prompt';
import { DATASET_KINDS, formatDatasetText, parseDatasetText, type DatasetKind } from './dataset-spec';
import { SampleImage } from './sample-image';
import { errorDetailText } from '../../i18n/messages';

type Preview = InvokeResponse<'trainingDatasetPreview'>;

/**
 * The design's input shape and each output's class count (from its Input block and the analysed Outputs, in
 * document order; null where unknown). Every output learns the dataset's label, so each must match its classes.
 */
function useDesignFit(): { input: number[] | null; classes: (number | null)[] } {
  const inputKey = useEditor((s) => JSON.stringify(s.doc.nodes.find((n) => n.type === 'Input')?.params.shape ?? null));
  // A string, so the selector's value is stable between renders.
  const classesKey = useEditor((s) =>
    JSON.stringify(s.doc.nodes.filter((n) => n.type === 'Output').map((out) => {
      const shape = s.analysis?.nodes[out.id]?.outputShape;
      return shape && shape.length === 1 ? shape[0] : null;
    })),
  );
  return useMemo(() => ({ input: JSON.parse(inputKey) as number[] | null, classes: JSON.parse(classesKey) as (number | null)[] }), [inputKey, classesKey]);
}

/** The dataset part of the setup tab. */
export function DatasetSection({ disabled }: { disabled: boolean }) {
  const { t } = useTranslation();
  const text = useEditor((s) => s.doc.training.dataset);
  const spec = parseDatasetText(text);
  const fit = useDesignFit();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  // Image folders are resized to the design's input, so their preview depends on it; the others do not.
  const shapeKey = spec.kind === 'folder' ? JSON.stringify(fit.input) : '';
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    const inputShape = spec.kind === 'folder' && fit.input && fit.input.length === 3 ? fit.input : undefined;
    getHostClient()
      .call('trainingDatasetPreview', { dataset: spec, perClass: 6, ...(inputShape ? { inputShape } : {}) })
      .then((p) => live && setPreview(p))
      .catch((err: unknown) => {
        if (!live) return;
        setPreview(null);
        setError(err instanceof HostCallError ? errorDetailText(err) : String(err));
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // Effect deps: keyed by the stored text and (folders) the input shape
  }, [text, shapeKey]);

  const choose = async (kind: DatasetKind) => {
    const set = useEditor.getState().updateTrainingSettings;
    if (kind === 'default') return set({ dataset: 'default' });
    const dir = await askText(t('dataset.whichFolder', { kind: t(`dataset.kind.${kind}`) }), { hint: t('dataset.folderHint', { hint: t(`dataset.kindHint.${kind}`) }), initial: spec.kind === kind ? spec.dir : '', confirm: t('dataset.useFolder') });
    if (dir) set({ dataset: formatDatasetText({ kind, dir }) });
  };

  const mismatch = preview ? fitProblems(fit, preview) : [];
  return (
    <fieldset className="ll-train__dataset" disabled={disabled}>
      <legend>{t('dataset.title')}</legend>
      <div className="ll-row">
        <select className="ll-input" value={spec.kind} onChange={(e) => void choose(e.target.value as DatasetKind)} aria-label={t('dataset.source')} data-testid="train-dataset-kind">
          {DATASET_KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {t(`dataset.kind.${k.kind}`)}
            </option>
          ))}
        </select>
        {spec.kind !== 'default' && (
          <button className="ll-button is-small" type="button" onClick={() => void choose(spec.kind)} data-testid="train-dataset-folder">
            {spec.dir.length > 40 ? `…${spec.dir.slice(-40)}` : spec.dir} — {t('dataset.change')}
          </button>
        )}
      </div>
      {loading && <p className="ll-train__hint">{t('dataset.loading')}</p>}
      {error && (
        <p className="ll-train__error" role="alert" data-testid="train-dataset-error">
          {error}
        </p>
      )}
      {preview && (
        <>
          <p className="ll-train__hint" data-testid="train-dataset-summary">
            {t('dataset.summary', { name: preview.name, shape: preview.shape.join('×'), classes: preview.classNames.length, train: sum(preview.trainCounts).toLocaleString('en-US'), test: sum(preview.testCounts).toLocaleString('en-US') })}
          </p>
          {mismatch.length > 0 ? (
            <div className="ll-train__warn" role="alert" data-testid="train-fit-problem">
              <span>{t('dataset.problems', { list: mismatch.join(t('dataset.separator')) })}</span>
              <button
                type="button"
                className="ll-button is-small is-primary"
                onClick={() => useEditor.getState().dispatch({ kind: 'retarget', inputShape: preview.shape, classes: preview.classNames.length })}
                data-testid="train-fit-fix"
              >
                {t('dataset.retarget', { shape: preview.shape.join('×'), classes: preview.classNames.length })}
              </button>
            </div>
          ) : (
            <p className="ll-train__ok" data-testid="train-fit-ok">
              {t('dataset.fits', { shape: preview.shape.join('×'), classes: preview.classNames.length })}
            </p>
          )}
          <PreviewGrid preview={preview} />
        </>
      )}
    </fieldset>
  );
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** What does not fit, in words. */
export function fitProblems(fit: { input: number[] | null; classes: (number | null)[] }, preview: Pick<Preview, 'shape' | 'classNames'>): string[] {
  const out: string[] = [];
  if (!fit.input || fit.input.join() !== preview.shape.join()) out.push(translate(fit.input ? 'dataset.inputMismatch' : 'dataset.inputMissing', { input: fit.input?.join('×'), shape: preview.shape.join('×') }));
  const wrong = fit.classes.length ? fit.classes.filter((c) => c !== preview.classNames.length) : [null];
  // One line per distinct wrong width (GoogLeNet's three heads retargeted together say it once).
  for (const c of new Set(wrong)) out.push(translate('dataset.classMismatch', { outputs: c ?? '?', classes: preview.classNames.length }));
  return out;
}

function PreviewGrid({ preview }: { preview: Preview }) {
  const max = Math.max(1, ...preview.trainCounts);
  return (
    <div className="ll-train__preview" data-testid="train-preview">
      {preview.classNames.map((name, label) => (
        <div className="ll-train__class" key={label} data-testid="train-preview-class">
          <div className="ll-train__classname" title={name}>
            {name}
          </div>
          <div className="ll-train__balance" title={`${preview.trainCounts[label]} train, ${preview.testCounts[label]} test`}>
            <div style={{ width: `${(100 * preview.trainCounts[label]) / max}%` }} />
            <span>{preview.trainCounts[label].toLocaleString('en-US')}</span>
          </div>
          <div className="ll-train__samples">
            {preview.samples
              .filter((s) => s.label === label)
              .map((s, i) => (
                <SampleImage key={i} image={s.image} size={32} />
              ))}
          </div>
        </div>
      ))}
    </div>
  );
}
