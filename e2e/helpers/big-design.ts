/**
 * A generated ResNet-scale design (shared by `npm run bench:ui` and the level-of-detail spec): Input, a stem
 * convolution, `blocks` residual blocks of conv-BN-ReLU-conv-BN-Add-ReLU and a classifier head, laid out in columns
 * of `rows` nodes. The defaults give 1,000 nodes and 1,141 edges.
 */

/** A document node as the generator writes it. */
interface ChainNode {
  id: string;
  type: string;
  name: string;
  params: Record<string, unknown>;
  position: { x: number; y: number };
}

/** A document edge as the generator writes it. */
interface ChainEdge {
  id: string;
  source: { node: string; port: string };
  target: { node: string; port: string };
}

/** The residual chain as a version-1 design document. */
export function residualChain(blocks = 142, rows = 28) {
  const nodes: ChainNode[] = [];
  const edges: ChainEdge[] = [];
  const add = (type: string, params: Record<string, unknown> = {}) => {
    const i = nodes.length;
    const id = `n${i}`;
    nodes.push({ id, type, name: `${type.toLowerCase()}_${i}`, params, position: { x: Math.floor(i / rows) * 300, y: (i % rows) * 130 } });
    return id;
  };
  const wire = (from: string, to: string) => edges.push({ id: `e${edges.length}`, source: { node: from, port: 'out' }, target: { node: to, port: 'in' } });
  const conv = { filters: 16, kernelSize: [3, 3], padding: 'same' };
  let x = add('Input', { shape: [64, 64, 3] });
  const stem = add('Conv2D', conv);
  wire(x, stem);
  x = stem;
  for (let b = 0; b < blocks; b++) {
    const chain = [add('Conv2D', conv), add('BatchNormalization'), add('Activation', { activation: 'relu' }), add('Conv2D', conv), add('BatchNormalization')];
    wire(x, chain[0]);
    for (let i = 1; i < chain.length; i++) wire(chain[i - 1], chain[i]);
    const sum = add('Add');
    wire(chain[4], sum);
    wire(x, sum);
    const out = add('Activation', { activation: 'relu' });
    wire(sum, out);
    x = out;
  }
  const head: [string, Record<string, unknown>][] = [['GlobalAvgPool2D', {}], ['Dropout', { rate: 0.2 }], ['Dense', { units: 10, activation: 'softmax' }], ['Output', {}]];
  for (const [type, params] of head) {
    const id = add(type, params);
    wire(x, id);
    x = id;
  }
  return { format: 'layerloom.design', version: 1, name: `Residual chain (${nodes.length} nodes)`, nodes, edges };
}
