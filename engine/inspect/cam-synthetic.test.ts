/**
 * Grad-CAM on a task whose answer is known: 16×16 noise images with one bright 6×6 patch at a random place;
 * the patch's pattern (solid, horizontal stripes, vertical stripes) is the class, so the evidence is exactly
 * where the patch is. A small CNN is trained here (real tfjs training on the CPU backend), then the heat map's
 * peak must fall on the patch for most test images.
 *
 * (A class decided by the patch's *position* is a poor check: the model then also weighs the empty quadrants,
 * and Grad-CAM's spatially averaged gradient cancels between them — the map lights the background. Tried,
 * measured 0–25 % peaks on the square, so the pattern task is the one kept.)
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DesignBuilder } from '../build/design-builder';
import { compileModel } from '../compile/compile';
import { classActivationMaps } from './cam';

const SIZE = 16;
const SQ = 6;
const CLASSES = 3;

function synthetic(n: number, seed: number) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const x = new Float32Array(n * SIZE * SIZE);
  const labels: number[] = [];
  const boxes: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const cls = i % CLASSES;
    const top = Math.floor(rand() * (SIZE - SQ + 1));
    const left = Math.floor(rand() * (SIZE - SQ + 1));
    for (let p = 0; p < SIZE * SIZE; p++) x[i * SIZE * SIZE + p] = 0.3 * rand();
    for (let y = 0; y < SQ; y++) {
      for (let xx = 0; xx < SQ; xx++) {
        const on = cls === 0 || (cls === 1 && y % 2 === 0) || (cls === 2 && xx % 2 === 0);
        x[i * SIZE * SIZE + (top + y) * SIZE + left + xx] = on ? 0.8 + 0.2 * rand() : 0.1 * rand();
      }
    }
    labels.push(cls);
    boxes.push([top, left]);
  }
  return { x: tf.tensor4d(x, [n, SIZE, SIZE, 1]), y: tf.oneHot(labels, CLASSES), labels, boxes };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Grad-CAM on a trained model (a bright patch whose pattern is the class)', () => {
  it('puts the heat-map peak on the patch for most test images', async () => {
    const b = new DesignBuilder('squares');
    let h = b.input([SIZE, SIZE, 1]);
    h = b.add('Conv2D', { filters: 8, kernelSize: [3, 3], padding: 'same', activation: 'relu' }, h, 'conv1');
    h = b.add('MaxPool2D', { poolSize: [2, 2] }, h, 'pool');
    h = b.add('Conv2D', { filters: 8, kernelSize: [3, 3], padding: 'same', activation: 'relu' }, h, 'conv2');
    h = b.add('Flatten', {}, h, 'flatten');
    h = b.add('Dense', { units: CLASSES, activation: 'softmax' }, h, 'head');
    b.output(h);
    const model = compileModel(b.build(), tf, { optimizer: tf.train.adam(0.01) });
    const train = synthetic(300, 3);
    await model.fit(train.x, train.y, { epochs: 8, batchSize: 32, verbose: 0, shuffle: true });

    const test = synthetic(30, 99);
    const cams = await classActivationMaps(tf, model, test.x, 'conv2');
    const accuracy = cams.filter((c, i) => c.predicted === test.labels[i]).length / cams.length;
    expect(accuracy).toBeGreaterThan(0.9);
    // The peak may sit on the patch's rim: the last conv's units are 2 input pixels apart.
    const onSquare = cams.filter((c, i) => {
      const peak = c.heatmap.indexOf(Math.max(...c.heatmap));
      const py = Math.floor(peak / SIZE);
      const px = peak % SIZE;
      const [top, left] = test.boxes[i];
      return py >= top - 1 && py <= top + SQ && px >= left - 1 && px <= left + SQ;
    }).length;
    console.log(`accuracy ${accuracy}, peak on the patch for ${onSquare}/${cams.length}`);
    expect(onSquare / cams.length).toBeGreaterThanOrEqual(0.8);
  }, 120_000);
});
