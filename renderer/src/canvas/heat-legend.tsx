/** The colour scale shown while nodes are coloured by parameters, MACs or receptive field. */
import { useTranslation } from 'react-i18next';
import { useEditor } from '../store';
import { formatCompact, heatColor } from '../ui/format';


/** The legend (nothing while colouring by block type). */
export function HeatLegend() {
  const { t } = useTranslation();
  const colorBy = useEditor((s) => s.colorBy);
  const max = useEditor((s) => (s.colorBy === 'category' ? 0 : s.metricRange[s.colorBy]));
  if (colorBy === 'category') return null;
  const stops = Array.from({ length: 9 }, (_, i) => heatColor(Math.expm1((i / 8) * Math.log1p(max)), max));
  return (
    <div className="ll-legend" data-testid="heat-legend">
      <span className="ll-legend__title">{t(`legend.${colorBy}`)}</span>
      <div className="ll-legend__bar" style={{ background: `linear-gradient(90deg, ${stops.join(', ')})` }} />
      <div className="ll-legend__ticks mono">
        <span>0</span>
        <span>{t('legend.log')}</span>
        <span>{formatCompact(max)}</span>
      </div>
    </div>
  );
}
