/** Block texts in the interface language: palette categories, descriptions, explanations and param labels. */
import type { BlockExplain } from '../../../engine/blocks/types';
import { i18n } from './index';

const tr = (key: string, fallback: string) => String(i18n.t(key, { ns: 'blocks', defaultValue: fallback }));

/** The palette heading of a block category. */
export function categoryLabel(category: string): string {
  return tr(`category.${category}`, category);
}

/** A block's one-line description (falls back to the engine's English). */
export function blockDescription(type: string, english: string): string {
  return tr(`block.${type}.description`, english);
}

/** A block's explanation and formulas in the interface language (the diagram is the same in every language). */
export function blockExplain(type: string, explain: BlockExplain): BlockExplain {
  return {
    text: tr(`block.${type}.explain`, explain.text),
    formulas: {
      output: tr(`block.${type}.formulas.output`, explain.formulas.output),
      params: tr(`block.${type}.formulas.params`, explain.formulas.params),
      receptiveField: tr(`block.${type}.formulas.receptiveField`, explain.formulas.receptiveField),
    },
    diagram: explain.diagram,
  };
}

/** The inspector label of a param key (`kernelSize` -> "Kernel size" / "卷积核大小"). */
export function paramLabel(key: string, english: string): string {
  return tr(`param.${key}`, english);
}
