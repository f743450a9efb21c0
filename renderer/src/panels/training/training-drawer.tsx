/**
 * The training drawer's mount point and its top-bar toggle. The controller starts with the app (so a reload
 * re-attaches to a running worker even before the panel is opened); the panel itself (with uPlot) is loaded
 * on first open, keeping the editor's start-up bundle as it was.
 */
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { t as translate } from '../../i18n';
import { useEditor } from '../../store';
import { Icon } from '../../ui/icons';
import { startTrainingController } from './controller';
import { startSearchController } from '../search/search-controller';
import { isActive } from './run-feed';

const TrainingPanel = lazy(() => import('./training-panel').then((m) => ({ default: m.TrainingPanel })));

/** Under the canvas: the training panel while open. */
export function TrainingDrawer() {
  const open = useEditor((s) => s.trainingOpen);
  useEffect(() => startTrainingController(), []);
  useEffect(() => startSearchController(), []);
  if (!open) return null;
  return (
    <Suspense fallback={<section className="ll-train-loading">{translate('training.loading')}</section>}>
      <TrainingPanel />
    </Suspense>
  );
}

/** The top-bar button that opens and closes the training panel (with a dot while a run is live). */
export function TrainingToggle() {
  const { t } = useTranslation();
  const { open, active } = useEditor(useShallow((s) => ({ open: s.trainingOpen, active: isActive(s.trainingRun.phase) })));
  return (
    <button className={`ll-menu__trigger${open ? ' is-open' : ''}`} onClick={() => useEditor.getState().setTrainingOpen(!open)} aria-pressed={open} data-testid="toggle-training" title={t('training.toggleTitle')}>
      <Icon name="sliders" size={14} /> {t('training.train')}
      {active && <span className="ll-dirty" role="img" aria-label={t('training.inProgress')} />}
    </button>
  );
}
