/**
 * A block explained for learners, in the inspector: the plain-language text, the formulas (output size,
 * parameters, receptive-field growth) and a small diagram of what the block does to a tensor. The words live in
 * each block's own file (`explain` in engine/blocks/*.ts), other languages in the i18n `blocks` files; this only
 * draws them.
 */
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BlockExplain, ExplainDiagram } from '../../../../engine/blocks/types';
import { t as translate } from '../../i18n';
import { blockExplain } from '../../i18n/blocks';
import './block-explain.css';

/** A grid of `n × n` cells at (x, y), `size` px each, with `lit` cells highlighted. */
function Grid({ x, y, n, size, lit = [], fill = 'var(--bg-active)', hot = 'var(--cat-convolution)' }: { x: number; y: number; n: number; size: number; lit?: Array<[number, number]>; fill?: string; hot?: string }) {
  const cells = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const on = lit.some(([lr, lc]) => lr === r && lc === c);
      cells.push(<rect key={`${r}-${c}`} x={x + c * size} y={y + r * size} width={size - 1} height={size - 1} rx={1} fill={on ? hot : fill} opacity={on ? 0.85 : 1} />);
    }
  }
  return <g>{cells}</g>;
}

const arrow = (x1: number, x2: number, y: number) => (
  <g stroke="var(--text-faint)" strokeWidth={1.2} fill="none">
    <path d={`M${x1} ${y} L${x2} ${y}`} />
    <path d={`M${x2 - 4} ${y - 3} L${x2} ${y} L${x2 - 4} ${y + 3}`} />
  </g>
);

const block = (x: number, y: number, w: number, h: number, label: string, color = 'var(--cat-convolution)') => (
  <g>
    <rect x={x} y={y} width={w} height={h} rx={3} fill={color} opacity={0.85} />
    <text x={x + w / 2} y={y + h / 2 + 3.5} textAnchor="middle" fontSize={9} fill="#fff">
      {label}
    </text>
  </g>
);

const square3 = (r: number, c: number): Array<[number, number]> => [0, 1, 2].flatMap((dr) => [0, 1, 2].map((dc) => [r + dr, c + dc] as [number, number]));

/** The diagram for one kind. */
function Diagram({ kind }: { kind: ExplainDiagram }) {
  switch (kind) {
    case 'window':
      return (
        <>
          <Grid x={4} y={6} n={5} size={11} lit={square3(1, 1)} />
          {arrow(64, 92, 33)}
          <Grid x={96} y={17} n={3} size={11} lit={[[1, 1]]} />
        </>
      );
    case 'depthwise':
      return (
        <>
          {[0, 1, 2].map((i) => (
            <Grid key={i} x={4 + i * 8} y={6 + i * 8} n={4} size={8} lit={[[1, 1], [1, 2], [2, 1], [2, 2]]} hot={['#3b82f6', '#22c55e', '#f97316'][i]} />
          ))}
          {arrow(66, 92, 33)}
          {[0, 1, 2].map((i) => (
            <Grid key={i} x={96 + i * 6} y={14 + i * 6} n={2} size={8} lit={[[0, 0]]} hot={['#3b82f6', '#22c55e', '#f97316'][i]} />
          ))}
        </>
      );
    case 'upsample':
      return (
        <>
          <Grid x={4} y={17} n={2} size={12} lit={[[0, 0]]} />
          {arrow(34, 62, 33)}
          <Grid x={66} y={6} n={5} size={11} lit={square3(0, 0)} />
        </>
      );
    case 'global':
      return (
        <>
          <Grid x={4} y={6} n={5} size={11} lit={square3(0, 0).concat(square3(2, 2), square3(0, 2), square3(2, 0))} hot="var(--cat-pooling)" />
          {arrow(64, 92, 33)}
          <rect x={98} y={27} width={11} height={11} rx={1} fill="var(--cat-pooling)" />
        </>
      );
    case 'flatten':
      return (
        <>
          <Grid x={4} y={16} n={3} size={11} />
          {arrow(40, 60, 33)}
          {Array.from({ length: 9 }, (_, i) => <rect key={i} x={64 + i * 9} y={28} width={8} height={10} rx={1} fill="var(--bg-active)" />)}
        </>
      );
    case 'dense':
      return (
        <g stroke="var(--cat-core)" strokeWidth={0.7} opacity={0.8}>
          {[0, 1, 2, 3].flatMap((i) => [0, 1, 2].map((j) => <line key={`${i}-${j}`} x1={20} y1={10 + i * 15} x2={100} y2={17 + j * 16} />))}
          {[0, 1, 2, 3].map((i) => <circle key={i} cx={20} cy={10 + i * 15} r={4} fill="var(--bg-active)" />)}
          {[0, 1, 2].map((j) => <circle key={j} cx={100} cy={17 + j * 16} r={4} fill="var(--cat-core)" />)}
        </g>
      );
    case 'pointwise':
      return (
        <>
          <Grid x={4} y={11} n={4} size={11} />
          {arrow(52, 80, 33)}
          <Grid x={84} y={11} n={4} size={11} fill="var(--cat-normalization)" />
        </>
      );
    case 'elementwise':
    case 'concat':
      return (
        <>
          <Grid x={4} y={2} n={3} size={9} />
          <Grid x={4} y={36} n={3} size={9} fill="var(--cat-pooling)" />
          {arrow(36, 60, 33)}
          <text x={48} y={26} fontSize={12} textAnchor="middle" fill="var(--text-muted)">
            {kind === 'concat' ? '‖' : '+'}
          </text>
          {kind === 'concat' ? (
            <>
              <Grid x={66} y={20} n={3} size={9} />
              <Grid x={72} y={26} n={3} size={9} fill="var(--cat-pooling)" />
            </>
          ) : (
            <Grid x={66} y={20} n={3} size={9} fill="var(--cat-merge)" />
          )}
        </>
      );
    case 'shortcut':
      return (
        <>
          {block(4, 24, 18, 18, 'x', 'var(--cat-core)')}
          {arrow(22, 34, 33)}
          {block(36, 24, 30, 18, 'F(x)')}
          {arrow(66, 80, 33)}
          {block(82, 24, 18, 18, '+', 'var(--cat-merge)')}
          <path d="M13 24 C13 4, 91 4, 91 22" stroke="var(--cat-merge)" strokeWidth={1.4} fill="none" strokeDasharray="3 2" />
        </>
      );
    case 'parallel':
      return (
        <>
          {block(2, 26, 16, 14, 'x', 'var(--cat-core)')}
          {['1×1', '3×3', '5×5'].map((l, i) => (
            <g key={l}>
              <path d={`M18 33 L34 ${10 + i * 22}`} stroke="var(--text-faint)" fill="none" />
              {block(34, 3 + i * 22, 30, 14, l)}
              <path d={`M64 ${10 + i * 22} L84 33`} stroke="var(--text-faint)" fill="none" />
            </g>
          ))}
          {block(84, 26, 24, 14, '‖', 'var(--cat-merge)')}
        </>
      );
    case 'reweight':
      return (
        <>
          <Grid x={4} y={11} n={4} size={11} />
          {arrow(52, 66, 33)}
          {[0.9, 0.3, 0.7, 0.15].map((w, i) => <rect key={i} x={70 + i * 10} y={45 - 30 * w} width={8} height={30 * w} fill="var(--cat-activation)" />)}
        </>
      );
    case 'io':
      return <Grid x={30} y={11} n={4} size={11} fill="var(--cat-input)" />;
  }
}

/** The explanation panel of one block (formulas folded until asked for, so the inspector stays short). */
export const BlockExplainView = memo(function BlockExplainView({ type, explain: english }: { type: string; explain: BlockExplain }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const explain = blockExplain(type, english);
  return (
    <div className="ll-explain" data-testid="block-explain">
      <svg className="ll-explain__diagram" viewBox="0 0 120 66" width={120} height={66} aria-hidden>
        <Diagram kind={explain.diagram} />
      </svg>
      <p className="ll-explain__text">{explain.text.replace(/`/g, '')}</p>
      <button className="ll-explain__toggle" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="block-explain-formulas">
        {open ? '▾' : '▸'} {t('explain.formulas')}
      </button>
      {open && (
        <dl className="ll-explain__formulas">
          <dt>{t('explain.output')}</dt>
          <dd>{explain.formulas.output}</dd>
          <dt>{t('explain.params')}</dt>
          <dd>{explain.formulas.params}</dd>
          <dt>{t('explain.receptiveField')}</dt>
          <dd>{explain.formulas.receptiveField}</dd>
        </dl>
      )}
    </div>
  );
});

/** The palette tooltip's text for a block's explanation. */
export function explainTooltip(type: string, english: BlockExplain | undefined): string {
  if (!english) return '';
  const explain = blockExplain(type, english);
  const f = explain.formulas;
  return `\n\n${explain.text.replace(/`/g, '')}\n\n${translate('explain.outputShort')}: ${f.output}\n${translate('explain.params')}: ${f.params}\n${translate('explain.receptiveField')}: ${f.receptiveField}`;
}
