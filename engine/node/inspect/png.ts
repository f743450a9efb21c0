/** PNG files from the inspector's RGBA pictures (pngjs, pure JS), written atomically. */
import { PNG } from 'pngjs';
import type { RgbaImage } from '../../inspect/render';
import { writeFileAtomic } from '../fs-atomic';

/** Encodes an RGBA image as PNG bytes. */
export function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data.set(image.data);
  return PNG.sync.write(png);
}

/** Writes `image` to `file` as PNG (temp file + rename: never a partial file). */
export async function writePng(file: string, image: RgbaImage): Promise<void> {
  await writeFileAtomic(file, encodePng(image));
}
