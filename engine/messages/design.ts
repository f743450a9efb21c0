/**
 * The vocabulary of a design that cannot be loaded or built: a document file that is not JSON or whose fields do
 * not validate (`engine/schema/load.ts`), and a design the compiler refuses (`engine/compile/compile.ts`).
 * `engine/messages.ts` gathers it with the other areas' codes.
 */
import type { ErrorDetail } from '../messages';

/**
 * Codes of a document or model file that cannot be read, and of a design that cannot be built. `json-syntax`
 * serves every JSON file (designs and model files); `document-invalid*` quote the schema's first problem as
 * `issue`; `compile-invalid*` quote the analysis' first error as `diagnostic`.
 */
export const DESIGN_MESSAGE_CODES = [
  'json-syntax',
  'document-not-object',
  'document-version-newer',
  'document-invalid',
  'document-invalid-more-one',
  'document-invalid-more',
  'compile-invalid',
  'compile-invalid-more-one',
  'compile-invalid-more',
  'compile-no-output',
  'compile-output-no-input',
] as const;
export type DesignMessageCode = (typeof DESIGN_MESSAGE_CODES)[number];

/** The English of the design codes (`errorDetailEnglish`'s part for them). */
export function designEnglish(code: DesignMessageCode, v: ErrorDetail['values']): string {
  switch (code) {
    case 'json-syntax':
      return `${v.file} is not valid JSON: ${v.reason}`;
    case 'document-not-object':
      return 'expected a JSON object with "nodes" and "edges"';
    case 'document-version-newer':
      return `this file has version ${v.version}, newer than this LayerLoom understands (${v.current}); update LayerLoom`;
    case 'document-invalid':
      return String(v.issue);
    case 'document-invalid-more-one':
    case 'document-invalid-more':
      return `${v.issue} (and ${v.more} more problem${code === 'document-invalid-more' ? 's' : ''})`;
    case 'compile-invalid':
      return `cannot build a model: ${v.reason}`;
    case 'compile-invalid-more-one':
    case 'compile-invalid-more':
      return `cannot build a model: ${v.reason} (and ${v.more} more error${code === 'compile-invalid-more' ? 's' : ''})`;
    case 'compile-no-output':
      return 'the design has no Output block; connect the last layer to an Output block';
    case 'compile-output-no-input':
      return 'an Output block needs an input';
  }
}
