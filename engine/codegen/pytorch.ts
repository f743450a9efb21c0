/**
 * PyTorch writer: `model.py` with an `nn.Module` (`__init__` builds the layers, `forward` wires them) in
 * channels-first layout, plus the constants `train.py` reads (input shape, loss, training settings).
 *
 * Final activation: for a crossentropy loss, a softmax (or sigmoid for binary crossentropy) that is the last
 * operation is moved out of `forward` into `predict`, so `forward` returns logits for `nn.CrossEntropyLoss` /
 * `nn.BCEWithLogitsLoss` (numerically stable, the PyTorch convention). `predict(x)` returns probabilities.
 *
 * Several Input blocks become several `forward` arguments (in document order); several Output blocks make
 * `forward` return a tuple (in document order), each output's loss and weight listed in `OUTPUTS` for train.py.
 */
import { headerLines } from './header';
import { activationOf, byId, nodeRole, outputLoss } from './layers';
import { torchOp, type OpContext } from './pytorch-ops';
import type { OpHelper } from './torch-helpers';
import { IdentifierAllocator, PYTHON_RESERVED, pyLiteral, pyString, TORCH_MODULE_ATTRIBUTES } from './sanitize';
import { CodeWriter, type MappedCode } from './source-map';
import type { CodegenModel, CodegenNode, GeneratedFile } from './types';
import { describe } from './typescript';
import { TRAIN_PY } from './pytorch-train';

const AVG_POOL_SAME = [
  'def avg_pool_same(x, kernel_size, stride, pads):',
  '    """Average pooling with TensorFlow \'same\' padding: padded positions are not counted."""',
  '    total = F.avg_pool2d(F.pad(x, pads), kernel_size, stride)',
  '    count = F.avg_pool2d(F.pad(torch.ones_like(x[:, :1]), pads), kernel_size, stride)',
  '    return total / count',
];

/**
 * Per Output block (in order), the softmax/sigmoid that `forward` leaves out of the layer feeding it (see the
 * module comment), or null where that layer keeps its activation (other loss, other activation, or its tensor
 * also feeds other layers).
 */
function finalActivations(model: CodegenModel): Array<{ nodeId: string; activation: string } | null> {
  return model.nodes.filter((n) => nodeRole(n) === 'output').map((out) => {
    const loss = String(out.params.loss ?? 'categoricalCrossentropy');
    const wanted = loss === 'binaryCrossentropy' ? 'sigmoid' : loss.endsWith('Crossentropy') ? 'softmax' : null;
    const last = model.nodes.find((n) => n.id === out.inputs[0]);
    if (!wanted || !last?.layer) return null;
    const consumers = model.nodes.filter((n) => n.inputs.includes(last.id));
    if (consumers.length !== 1) return null;
    const act = last.layer.className === 'Softmax' ? 'softmax' : activationOf(last);
    return act === wanted ? { nodeId: last.id, activation: act } : null;
  });
}

/** `predict`'s expression for one output: its variable with the activation `forward` left out. */
function probabilities(expr: string, final: { activation: string } | null): string {
  if (!final) return expr;
  return final.activation === 'softmax' ? `F.softmax(${expr}, dim=1)` : `torch.sigmoid(${expr})`;
}

/** A PascalCase class name from the design name (`fashion cnn` -> `FashionCnn`). */
function className(name: string): string {
  const words = name.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
  let out = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('').slice(0, 60);
  if (!out || /^[0-9]/.test(out)) out = 'Model' + out;
  return PYTHON_RESERVED.has(out) || out === 'Model' ? `${out}Net` : out;
}

/** Input shape in PyTorch layout: [h, w, c] -> (c, h, w), [l, c] -> (c, l). */
function torchShape(shape: readonly number[]): number[] {
  return shape.length >= 2 ? [shape[shape.length - 1], ...shape.slice(0, -1)] : [...shape];
}

/** Generates `model.py` (call `unsupportedFeatures(..., 'pytorch')` first). */
export function generatePyTorch(model: CodegenModel): string {
  return generatePyTorchMapped(model).text;
}

/** `model.py` with its source map (flat node id -> the lines that build it, in `__init__` and `forward`). */
export function generatePyTorchMapped(model: CodegenModel): MappedCode {
  const names = new IdentifierAllocator(new Set([...PYTHON_RESERVED, ...TORCH_MODULE_ATTRIBUTES, 'avg_pool_same', 'torchvision']));
  const nodes = byId(model.nodes);
  const varOf = new Map<string, string>();
  const init = new CodeWriter();
  const forward = new CodeWriter();
  const inputs: CodegenNode[] = [];
  const outputs: string[] = [];
  const helpers = new Set<OpHelper>();
  const finals = finalActivations(model);
  const stripped = new Map(finals.flatMap((f) => (f ? [[f.nodeId, f.activation] as const] : [])));

  for (const node of model.nodes) {
    const role = nodeRole(node);
    if (role === 'output') {
      outputs.push(varOf.get(node.inputs[0]) ?? '');
      continue;
    }
    const v = names.allocate(node.layerName);
    varOf.set(node.id, v);
    if (role === 'input') {
      inputs.push(node);
      continue;
    }
    const strippedHere = stripped.get(node.id);
    const activation = strippedHere ? 'linear' : node.layer!.className === 'Softmax' ? 'softmax' : activationOf(node);
    const ctx: OpContext = {
      node,
      ins: node.inputs.map((id) => {
        const iv = varOf.get(id);
        if (!iv) throw new Error(`${node.name}: its input is not defined before it`);
        return iv;
      }),
      inShapes: node.inputs.map((id) => nodes.get(id)!.outputShape),
      attr: v,
      activation,
      helpers,
    };
    const code = torchOp(ctx);
    forward.push(node.id, `        # ${describe(node)}${strippedHere ? ` (${strippedHere} applied in predict())` : ''}`);
    if (code.init) init.push(node.id, `        self.${v} = ${code.init}`);
    forward.push(node.id, `        ${v} = ${code.forward}`);
  }
  if (outputs.length === 0 || outputs.some((o) => !o)) throw new Error('the PyTorch export needs an Output block fed by a layer');
  if (inputs.length === 0) throw new Error('the PyTorch export needs an Input block');

  const input = inputs[0];
  const args = inputs.map((n) => varOf.get(n.id)!).join(', ');
  const outNodes = model.nodes.filter((n) => nodeRole(n) === 'output');
  const outNode = outNodes[0];
  const final = finals[0];
  const several = outNodes.length > 1;
  // One line per output, owned by its Output block.
  const outputSpecs = outNodes.reduce((w, n, i) => w.push(n.id, `    ${pyLiteral({
    name: n.layerName,
    shape: torchShape(nodes.get(n.inputs[0])!.outputShape),
    ...outputLoss(n),
    final_activation: finals[i]?.activation ?? null,
  })},`), new CodeWriter().plain('OUTPUTS = ['));
  const predictLines = several
    ? [`        outs = self.forward(${args})`, `        return (${outputs.map((_, i) => probabilities(`outs[${i}]`, finals[i])).join(', ')},)`]
    : [`        return ${probabilities(`self.forward(${args})`, final)}`];
  const cls = className(model.name);
  const t = model.training;
  const training = {
    optimizer: t.optimizer.type, lr: t.optimizer.learningRate, momentum: t.optimizer.momentum, nesterov: t.optimizer.nesterov,
    weight_decay: t.optimizer.weightDecay, schedule: t.schedule.type, warmup_epochs: t.schedule.warmupEpochs,
    step_epochs: t.schedule.stepEpochs, gamma: t.schedule.gamma, batch_size: t.batchSize, epochs: t.epochs, seed: t.seed,
  };
  return new CodeWriter()
    .plain(
      ...headerLines(model, 'PyTorch nn.Module').map((l) => `# ${l}`),
      '#',
      '# Layout: the design is channels-last (NHWC); this module takes and returns channels-first tensors (NCHW).',
      "# TensorFlow 'same' padding is reproduced exactly (explicit F.pad where it is asymmetric), Flatten flattens in",
      '# channels-last order (as Keras), and BatchNorm momentum is converted (PyTorch momentum = 1 - Keras momentum).',
      '# forward() returns logits when the design ends in softmax/sigmoid with a crossentropy loss; predict() applies it.',
      'import torch',
      'from torch import nn',
      'import torch.nn.functional as F',
      ...(helpers.has('torchvision') ? ['import torchvision'] : []),
      '',
      `#: Input shape without the batch dimension, channels first (the design's ${pyLiteral(input.outputShape)} channels last).`,
      `INPUT_SHAPE = ${pyLiteral(torchShape(input.outputShape))}`,
      `#: Every input's shape, in forward()'s argument order (train.py feeds each the same image).`,
      `INPUT_SHAPES = ${pyLiteral(inputs.map((n) => torchShape(n.outputShape)))}`,
    )
    .push(outNode.id,
      `OUTPUT_SHAPE = ${pyLiteral(torchShape(nodes.get(outNode.inputs[0])!.outputShape))}`,
      `LOSS = ${pyString(String(outNode.params.loss ?? 'categoricalCrossentropy'))}`,
    )
    .plain(
      `FINAL_ACTIVATION = ${final ? pyString(final.activation) : 'None'}`,
      `#: Every output, in the order forward() returns them: its loss, its weight in the total loss, and the`,
      `#: activation forward() leaves to the loss (train.py: total loss = sum of weight * loss).`,
    )
    .append(outputSpecs)
    .plain(
      ']',
      `#: Training settings stored with the design (train.py uses them as defaults).`,
      `TRAINING = ${pyLiteral(training)}`,
      `#: Parameter counts computed by LayerLoom's engine.`,
      `EXPECTED_PARAMS = {"total": ${model.totals.params}, "trainable": ${model.totals.trainableParams}}`,
      '',
      '',
      ...(helpers.has('avg_pool_same') ? [...AVG_POOL_SAME, '', ''] : []),
      `class ${cls}(nn.Module):`,
      '    """The design named in the header comment, generated by LayerLoom."""',
      '',
      '    def __init__(self):',
      '        super().__init__()',
    )
    .append(init.length ? init : new CodeWriter().plain('        pass'))
    .plain('', `    def forward(self, ${args}):`)
    .append(inputs.reduce((w, n) => w.push(n.id, `        # ${describe(n)}`), new CodeWriter()))
    .append(forward)
    .push(several ? undefined : outNode.id, `        return ${several ? `(${outputs.join(', ')},)` : outputs[0]}`)
    .plain(
      '',
      `    def predict(self, ${args}):`,
      several
        ? '        """Model outputs as designed (a tuple, with the final activations that forward() leaves to the losses)."""'
        : '        """Model output as designed (with the final activation that forward() leaves to the loss)."""',
      ...predictLines,
      '',
      '',
      'def build_model():',
      `    """A fresh ${cls} (untrained weights)."""`,
      `    return ${cls}()`,
      '',
      '',
      'if __name__ == "__main__":',
      '    model = build_model()',
      '    y = model(*[torch.randn(2, *shape) for shape in INPUT_SHAPES])',
      '    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)',
      '    print(model)',
      several
        ? '    print(f"outputs {[tuple(t.shape) for t in y]}, trainable parameters {trainable:,}")'
        : '    print(f"output {tuple(y.shape)}, trainable parameters {trainable:,}")',
      '',
    )
    .finish();
}

/** `model.py` and the generic `train.py` (single process or `torchrun` + DistributedDataParallel). */
export function generatePyTorchFiles(model: CodegenModel): GeneratedFile[] {
  return [
    { path: 'model.py', contents: generatePyTorch(model) },
    { path: 'train.py', contents: TRAIN_PY },
  ];
}
