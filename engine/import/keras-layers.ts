/**
 * Keras / tfjs layer configs -> LayerLoom blocks. Each block declares the layer classes it imports (`imports` in
 * its file, written with the readers of `keras-config.ts`); this module only looks them up. A layer the engine
 * cannot express throws a `DesignError('import-failed')` naming the layer and its class.
 */
import { listBlocks } from '../blocks/registry';
import { detailedError } from '../messages';
import { LayerProblem, type ImportedBlock, type LayerConfig, type LayerImporter } from './keras-config';

export { cfg, mapLoss, type ImportedBlock } from './keras-config';

const IMPORTERS: ReadonlyMap<string, LayerImporter> = new Map(
  listBlocks().flatMap((b) => (b.kind === 'primitive' && b.imports ? Object.entries(b.imports) : [])),
);

/** The layer classes the importer understands (besides InputLayer). */
export const SUPPORTED_LAYER_CLASSES = [...IMPORTERS.keys()];

/**
 * Maps one Keras/tfjs layer to one or more blocks (chained). Throws `DesignError('import-failed')` naming the
 * layer and class when the class or one of its settings has no LayerLoom equivalent.
 */
export function mapLayer(className: string, layerName: string, config: LayerConfig, where: string): ImportedBlock[] {
  const importer = IMPORTERS.get(className);
  if (!importer) {
    throw detailedError('import-failed', { code: 'import-layer-class', values: { layer: layerName, className, supported: SUPPORTED_LAYER_CLASSES.join(', ') } }, where);
  }
  try {
    return importer(config);
  } catch (err) {
    if (err instanceof LayerProblem) {
      const values = { layer: layerName, className };
      if (err.note === 'custom-activation') throw detailedError('import-failed', { code: 'import-layer-custom-activation', values }, where);
      const code = err.note ? (`import-layer-setting-${err.note}` as const) : 'import-layer-setting';
      throw detailedError('import-failed', { code, values: { ...values, setting: err.setting } }, where);
    }
    throw err;
  }
}
