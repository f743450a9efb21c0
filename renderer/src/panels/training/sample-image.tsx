/** A dataset sample (raw 8-bit pixels from the host) drawn on a small canvas, scaled up without smoothing. */
import { memo, useEffect, useRef } from 'react';
import type { SampleImage as Sample } from '../../../../contract/training-runs';

/** Decodes the base64 pixels into RGBA for `ImageData`. */
export function toRgba(s: Sample): Uint8ClampedArray<ArrayBuffer> {
  const raw = Uint8Array.from(atob(s.pixels), (c) => c.charCodeAt(0));
  const out = new Uint8ClampedArray(s.width * s.height * 4);
  for (let i = 0; i < s.width * s.height; i++) {
    const r = raw[i * s.channels];
    out[i * 4] = r;
    out[i * 4 + 1] = s.channels === 3 ? raw[i * 3 + 1] : r;
    out[i * 4 + 2] = s.channels === 3 ? raw[i * 3 + 2] : r;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** One sample image at `size` CSS pixels. */
export const SampleImage = memo(function SampleImage({ image, size = 40, title }: { image: Sample; size?: number; title?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (ctx) ctx.putImageData(new ImageData(toRgba(image), image.width, image.height), 0, 0);
  }, [image]);
  return <canvas ref={ref} className="ll-sample" width={image.width} height={image.height} style={{ width: size, height: size }} title={title} />;
});
