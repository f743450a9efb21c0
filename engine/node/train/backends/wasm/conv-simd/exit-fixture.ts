// Run by conv-simd.test.ts in a child process: a convolution large enough to split over the pool's worker threads
// on the threaded wasm build, then nothing: the process must exit by itself (the workers never keep Node alive).
import * as tf from '@tensorflow/tfjs';
import { registerWasmTraining } from '../index';
import type { WasmBackendLike } from '../kernel-utils';
import { convSimdThreads } from './index';

await registerWasmTraining(tf, { threads: 2 });
const x = tf.ones([6, 12, 11, 32]) as tf.Tensor4D, f = tf.ones([3, 3, 32, 40]) as tf.Tensor4D;
const y = tf.conv2d(x, f, 1, 'same');
console.log(`threads ${convSimdThreads(tf.backend() as unknown as WasmBackendLike)} centre ${y.dataSync()[(5 * 11 + 5) * 40]}`);
