/**
 * Results of a finished run: test accuracy, per-class precision and recall, the confusion matrix (click a
 * cell to see its samples) and the worst-classified test samples with true/predicted labels and confidence.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getHostClient, HostCallError, type InvokeResponse } from '../../host';
import { useEditor } from '../../store';
import { perClassMetrics } from './metrics';
import { SampleImage } from './sample-image';
import { errorDetailText } from '../../i18n/messages';

/** What the results tab shows: a run's test results. */
export interface RunResults {
  runId: string;
  testAccuracy: number;
  testLoss: number | null;
  confusionMatrix: number[][];
  classNames: string[];
}

type Samples = InvokeResponse<'trainingRunSamples'>;
type Select = { kind: 'worst' } | { kind: 'cell'; actual: number; predicted: number };

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

function useSamples(runId: string, select: Select | null, count: number): { data: Samples | null; error: string | null } {
  const [data, setData] = useState<Samples | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(select);
  useEffect(() => {
    if (!select) return;
    let live = true;
    setData(null);
    setError(null);
    getHostClient()
      .call('trainingRunSamples', { runId, select, count })
      .then((d) => live && setData(d))
      .catch((err: unknown) => live && setError(err instanceof HostCallError ? errorDetailText(err) : String(err)));
    return () => {
      live = false;
    };
    // Effect deps: keyed by the selection's value
  }, [runId, key, count]);
  return { data, error };
}

function SampleGrid({ samples, testId }: { samples: Samples; testId: string }) {
  return (
    <div className="ll-train__grid-samples" data-testid={testId}>
      {samples.samples.map((s) => (
        <figure key={s.index} className="ll-train__sample" data-testid="train-sample">
          <SampleImage image={s.image} size={56} title={`test #${s.index}`} />
          <figcaption>
            <span className="is-true">{samples.classNames[s.label]}</span>
            <span className={s.label === s.predicted ? 'is-ok' : 'is-wrong'}>
              → {samples.classNames[s.predicted]} {(s.confidence * 100).toFixed(0)}%
            </span>
          </figcaption>
        </figure>
      ))}
    </div>
  );
}

/** The results tab. */
export function ResultsTab() {
  const { t } = useTranslation();
  const results = useEditor((s) => s.trainingResults);
  if (!results) return <p className="ll-train__empty">{t('results.none')}</p>;
  return <Results key={results.runId} results={results} />;
}

function Results({ results }: { results: RunResults }) {
  const { t } = useTranslation();
  const [cell, setCell] = useState<{ actual: number; predicted: number } | null>(null);
  const worst = useSamples(results.runId, { kind: 'worst' }, 24);
  const cellSamples = useSamples(results.runId, cell ? { kind: 'cell', ...cell } : null, 48);
  const m = results.confusionMatrix;
  const metrics = perClassMetrics(m);
  const names = results.classNames;
  return (
    <div className="ll-train__results">
      <div className="ll-train__headline" data-testid="train-test-accuracy">
        {t('results.accuracy')} <strong>{pct(results.testAccuracy)}</strong>
        {results.testLoss !== null && <span> · {t('training.loss', { value: results.testLoss.toFixed(4) })}</span>}
        <span className="ll-train__hint"> · {t('results.run', { run: results.runId })}</span>
      </div>
      <div className="ll-train__results-row">
        <section>
          <h3>{t('results.confusion')}</h3>
          <p className="ll-train__hint">{t('results.confusionHint')}</p>
          <table className="ll-train__cm" data-testid="train-confusion">
            <thead>
              <tr>
                <th />
                {names.map((_, j) => (
                  <th key={j} title={names[j]}>
                    {j}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {m.map((row, i) => {
                const total = row.reduce((a, b) => a + b, 0) || 1;
                return (
                  <tr key={i}>
                    <th title={names[i]}>
                      {i} {names[i]}
                    </th>
                    {row.map((v, j) => {
                      const share = v / total;
                      const hue = i === j ? 'var(--ok)' : 'var(--danger)';
                      return (
                        <td
                          key={j}
                          className={cell?.actual === i && cell.predicted === j ? 'is-selected' : ''}
                          style={{ background: v ? `color-mix(in srgb, ${hue} ${Math.round(15 + 75 * share)}%, transparent)` : undefined }}
                          title={`${names[i]} → ${names[j]}: ${v}`}
                          onClick={() => setCell({ actual: i, predicted: j })}
                          data-testid={`cm-${i}-${j}`}
                        >
                          {v}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
        <section>
          <h3>{t('results.perClass')}</h3>
          <table className="ll-train__table" data-testid="train-per-class">
            <thead>
              <tr>
                <th>{t('results.class')}</th>
                <th>{t('results.precision')}</th>
                <th>{t('results.recall')}</th>
                <th>{t('results.examples')}</th>
              </tr>
            </thead>
            <tbody>
              {metrics.map((c, i) => (
                <tr key={i}>
                  <td>{names[i]}</td>
                  <td className="mono">{pct(c.precision)}</td>
                  <td className="mono">{pct(c.recall)}</td>
                  <td className="mono">{c.support}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      {cell && (
        <section>
          <h3>
            {t('results.cell', { actual: names[cell.actual], predicted: names[cell.predicted] })} {cellSamples.data && `(${cellSamples.data.total})`}
          </h3>
          {cellSamples.error && <p className="ll-train__error">{cellSamples.error}</p>}
          {cellSamples.data && <SampleGrid samples={cellSamples.data} testId="train-cell-samples" />}
        </section>
      )}
      <section>
        <h3>{worst.data ? t('results.worstCount', { count: worst.data.total }) : t('results.worst')}</h3>
        {worst.error && <p className="ll-train__error">{worst.error}</p>}
        {worst.data && <SampleGrid samples={worst.data} testId="train-worst" />}
      </section>
    </div>
  );
}
