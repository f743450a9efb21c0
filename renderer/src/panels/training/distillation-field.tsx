/**
 * Knowledge distillation in the training settings: a teacher picked from the run history (a finished run with a
 * trained model), its softmax temperature T and the soft-loss weight α (Hinton et al. 2015). Stored in the
 * document's `training.distillation` through the setTraining command, like every setting.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RunSummary } from '../../../../contract/training-runs';
import { getHostClient } from '../../host';
import { useEditor } from '../../store';
import { Field, NumberField } from './fields';

/** The folder of a run of the history (the host's runs folder joined with the run id, in its own separator). */
export function runFolder(runsDir: string, runId: string): string {
  const sep = runsDir.includes('\\') && !runsDir.includes('/') ? '\\' : '/';
  return `${runsDir.replace(/[\\/]+$/, '')}${sep}${runId}`;
}

/** The teacher select with T and α when one is chosen. */
export function DistillationField() {
  const { t } = useTranslation();
  const distillation = useEditor((s) => s.doc.training.distillation);
  const [history, setHistory] = useState<{ runsDir: string; runs: RunSummary[] } | null>(null);
  useEffect(() => {
    let live = true;
    getHostClient().call('trainingRuns', {}).then((h) => live && setHistory(h), () => live && setHistory({ runsDir: '', runs: [] }));
    return () => {
      live = false;
    };
  }, []);
  const set = useEditor.getState().updateTrainingSettings;
  const teachers = (history?.runs ?? []).filter((r) => r.hasModel && r.testAccuracy !== null);
  const folder = (r: RunSummary) => runFolder(history!.runsDir, r.runId);
  const chosen = distillation ? teachers.find((r) => folder(r) === distillation.teacher) : undefined;
  return (
    <>
      <Field label={t('training.teacher')} hint={t('training.teacherHint')}>
        <select
          className="ll-input"
          value={distillation?.teacher ?? ''}
          onChange={(e) => set({ distillation: e.target.value ? { teacher: e.target.value, temperature: distillation?.temperature ?? 4, alpha: distillation?.alpha ?? 0.9 } : undefined })}
          data-testid="train-teacher"
          aria-label={t('training.teacherLabel')}
        >
          <option value="">{t('training.none')}</option>
          {distillation && !chosen && <option value={distillation.teacher}>{distillation.teacher}</option>}
          {teachers.map((r) => (
            <option key={r.runId} value={folder(r)}>
              {r.design} · {((r.testAccuracy ?? 0) * 100).toFixed(1)}% · {r.startedAt.slice(0, 16).replace('T', ' ')}
            </option>
          ))}
        </select>
      </Field>
      {distillation && (
        <Field label={t('training.temperature')} hint={t('training.temperatureHint')}>
          <span className="ll-row">
            <NumberField value={distillation.temperature} valid={(v) => v > 0 && v <= 100} onCommit={(v) => set({ distillation: { ...distillation, temperature: v } }, 'kd-t')} testId="train-kd-temperature" />
            <NumberField value={distillation.alpha} valid={(v) => v >= 0 && v <= 1} onCommit={(v) => set({ distillation: { ...distillation, alpha: v } }, 'kd-alpha')} testId="train-kd-alpha" />
          </span>
        </Field>
      )}
    </>
  );
}
