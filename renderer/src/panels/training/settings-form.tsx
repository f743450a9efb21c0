/** The run settings, stored in the document's training settings (undoable edits), and the backend choice. */
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { BACKEND_NAMES, type BackendChoice } from '../../../../contract/training-protocol';
import { useEditor } from '../../store';
import { DistillationField } from './distillation-field';
import { Field, NumberField } from './fields';

/** The settings form. */
export function SettingsForm({ disabled }: { disabled: boolean }) {
  const { t: tr } = useTranslation();
  const { t, backend, used } = useEditor(useShallow((s) => ({ t: s.doc.training, backend: s.trainingBackend, used: s.trainingRun.backend })));
  const s = useEditor.getState();
  const set = s.updateTrainingSettings;
  const opt = t.optimizer;
  return (
    <fieldset className="ll-train__settings" disabled={disabled}>
      <legend>{tr('training.settings.title')}</legend>
      <div className="ll-train__grid">
        <Field label={tr('training.settings.optimizer')}>
          <select className="ll-input" value={opt.type} onChange={(e) => set({ optimizer: { ...opt, type: e.target.value as typeof opt.type } })} data-testid="train-optimizer">
            <option value="adam">Adam</option>
            <option value="adamw">AdamW</option>
            <option value="sgd">SGD</option>
            <option value="rmsprop">RMSprop</option>
          </select>
        </Field>
        <Field label={tr('training.settings.learningRate')}>
          <NumberField value={opt.learningRate} valid={(v) => v > 0} onCommit={(v) => set({ optimizer: { ...opt, learningRate: v } }, 'lr')} testId="train-lr" />
        </Field>
        {(opt.type === 'sgd' || opt.type === 'rmsprop') && (
          <Field label={tr('training.settings.momentum')}>
            <NumberField value={opt.momentum} valid={(v) => v >= 0 && v <= 1} onCommit={(v) => set({ optimizer: { ...opt, momentum: v } }, 'momentum')} />
          </Field>
        )}
        {opt.type === 'sgd' && (
          <label className="ll-check">
            <input type="checkbox" checked={opt.nesterov} onChange={(e) => set({ optimizer: { ...opt, nesterov: e.target.checked } })} /> Nesterov
          </label>
        )}
        <Field label={tr('training.settings.weightDecay')}>
          <NumberField value={opt.weightDecay} valid={(v) => v >= 0} onCommit={(v) => set({ optimizer: { ...opt, weightDecay: v } }, 'wd')} />
        </Field>
        <Field label={tr('training.settings.schedule')}>
          <select className="ll-input" value={t.schedule.type} onChange={(e) => set({ schedule: { ...t.schedule, type: e.target.value as typeof t.schedule.type } })} data-testid="train-schedule">
            <option value="constant">{tr('training.settings.constant')}</option>
            <option value="step">{tr('training.settings.step')}</option>
            <option value="cosine">{tr('training.settings.cosine')}</option>
          </select>
        </Field>
        <Field label={tr('training.settings.warmup')}>
          <NumberField value={t.schedule.warmupEpochs} valid={(v) => v >= 0} onCommit={(v) => set({ schedule: { ...t.schedule, warmupEpochs: v } }, 'warmup')} />
        </Field>
        {t.schedule.type === 'step' && (
          <Field label={tr('training.settings.stepDecay')}>
            <span className="ll-row">
              <NumberField value={t.schedule.gamma} valid={(v) => v > 0 && v <= 1} onCommit={(v) => set({ schedule: { ...t.schedule, gamma: v } }, 'gamma')} />
              <NumberField integer value={t.schedule.stepEpochs} valid={(v) => v > 0} onCommit={(v) => set({ schedule: { ...t.schedule, stepEpochs: v } }, 'stepEpochs')} />
            </span>
          </Field>
        )}
        <Field label={tr('training.settings.batchSize')}>
          <NumberField integer value={t.batchSize} valid={(v) => v > 0 && v <= 65536} onCommit={(v) => set({ batchSize: v }, 'batch')} testId="train-batch" />
        </Field>
        <Field label={tr('training.settings.epochs')}>
          <NumberField integer value={t.epochs} valid={(v) => v > 0 && v <= 100000} onCommit={(v) => set({ epochs: v }, 'epochs')} testId="train-epochs" />
        </Field>
        <Field label={tr('training.settings.validationSplit')} hint={tr('training.settings.validationSplitHint')}>
          <NumberField value={t.validationSplit} valid={(v) => v >= 0 && v <= 0.9} onCommit={(v) => set({ validationSplit: v }, 'val')} testId="train-val-split" />
        </Field>
        <Field label={tr('training.settings.patience')} hint={tr('training.settings.patienceHint')}>
          <NumberField integer value={t.earlyStoppingPatience} valid={(v) => v >= 0} onCommit={(v) => set({ earlyStoppingPatience: v }, 'patience')} />
        </Field>
        <label className="ll-check" title={tr('training.settings.flipTitle')}>
          <input type="checkbox" checked={t.augment.flip} onChange={(e) => set({ augment: { ...t.augment, flip: e.target.checked } })} data-testid="train-flip" /> {tr('training.settings.flip')}
        </label>
        <Field label={tr('training.settings.shift')} hint={tr('training.settings.shiftHint')}>
          <NumberField integer value={t.augment.shift} valid={(v) => v >= 0 && v <= 8} onCommit={(v) => set({ augment: { ...t.augment, shift: v } }, 'shift')} />
        </Field>
        <Field label={tr('training.settings.seed')}>
          <NumberField integer value={t.seed} valid={() => true} onCommit={(v) => set({ seed: v }, 'seed')} />
        </Field>
        <DistillationField />
        <Field label={tr('training.settings.backend')}>
          <select className="ll-input" value={backend} onChange={(e) => s.setTrainingBackend(e.target.value as BackendChoice)} data-testid="train-backend">
            <option value="auto">{tr('training.settings.auto')}</option>
            {BACKEND_NAMES.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {used && (
        <div className="ll-train__backend" data-testid="train-backend-used">
          <div>
            {tr('training.settings.inUse')} <strong>{used.name}</strong> — {used.reason}
          </div>
          {used.skipped.length > 0 && (
            <ul>
              {used.skipped.map((k) => (
                <li key={k.name}>
                  {tr('training.settings.skipped')} <strong>{k.name}</strong>: {k.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </fieldset>
  );
}
