/** Location of the embedded default dataset (`data/fashion-mnist-subset/`, see its README). */
import { fileURLToPath } from 'node:url';

/** Embedded dataset folder inside the repository. */
export const EMBEDDED_DIR = fileURLToPath(new URL('../../../../data/fashion-mnist-subset', import.meta.url));
