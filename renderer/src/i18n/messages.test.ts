/**
 * Engine diagnostics and fixes in both languages: every code the engine declares has a text; for a battery of
 * broken designs the English written from code + values is exactly the engine's own message (so the values are
 * complete), and the Chinese is filled in (no placeholder or English sentence left).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DesignBuilder } from '../../../engine/build/design-builder';
import { analyzeDesign, canConnect, CONNECT_CODES, DIAGNOSTIC_CODES, FIX_CODES, type Diagnostic } from '../engine';
import { parseDocument } from '../../../engine/schema/load';
import type { DesignDocument } from '../../../engine/schema/document';
import { i18n } from './index';
import { leaves } from './keys';
import { connectRefusalText, diagnosticText, fieldVerdictText, fixLabel, errorDetailText, translateDetail } from './messages';
import { ERROR_DETAIL_CODES, errorDetailEnglish, quoting, type ErrorDetail, type ErrorDetailCode } from '../../../engine/messages';
import { ERROR_DETAIL_SAMPLES } from '../../../engine/messages.samples';
import { designStory } from '../../../engine/inspect/why';
import { prepareExport } from '../../../engine/codegen';
import type { DesignError } from '../../../engine/errors';
import { requireTemplate } from '../../../templates';

function design(shape: number[], body: (b: DesignBuilder, x: string) => string): DesignDocument {
  const b = new DesignBuilder('t');
  b.output(body(b, b.input(shape)));
  return b.build();
}

/** Broken designs, each producing some of the engine's diagnostics (with fixes). */
function battery(): Diagnostic[] {
  const docs: [DesignDocument, Parameters<typeof analyzeDesign>[1]?][] = [];
  const add = (doc: DesignDocument, options?: Parameters<typeof analyzeDesign>[1]) => docs.push([doc, options]);
  add(design([16, 16, 3], (b, x) => b.add('Add', {}, [b.add('Conv2D', { filters: 8, padding: 'same' }, x, 'wide'), b.add('Conv2D', { filters: 16, strides: [2, 2], padding: 'same' }, x, 'deep')], 'sum')));
  add(design([16, 16, 3], (b, x) => b.add('Concatenate', {}, [x, b.add('MaxPool2D', {}, x, 'pool')], 'cat')));
  add(design([8, 8, 1], (b, x) => b.add('Dense', { units: 3 }, x, 'fc')));
  add(design([4, 4, 1], (b, x) => b.add('Conv2D', { filters: 2, kernelSize: [5, 5] }, x, 'too_big')));
  add(design([4, 4, 1], (b, x) => b.add('Conv2D', { filters: 2, kernelSize: [3, 3], dilation: [2, 2] }, x, 'dilated')));
  add(design([8, 8, 1], (b, x) => b.add('Conv2D', { filters: 0, kernelSize: [0, 3] }, x, 'zero')));
  add(design([8, 8, 1], (b, x) => b.add('Conv2D', { filters: 'many' }, x, 'typed')));
  add(design([8, 8, 1], (b, x) => b.add('Conv2E', {}, x, 'typo')));
  add(design([8], (b, x) => b.add('Conv2D', { filters: 2 }, x, 'flat')));
  add(design([8, 8, 2], (b, x) => b.add('DepthwiseConv2D', { dilation: [2, 2] }, x, 'dw')));
  add(design([8, 8, 2], (b, x) => b.add('Reshape', { targetShape: [-1, -1] }, x, 'twice')));
  add(design([8, 8, 2], (b, x) => b.add('Reshape', { targetShape: [5, -1] }, x, 'odd')));
  add(design([8, 8, 2], (b, x) => b.add('Reshape', { targetShape: [100] }, x, 'big')));
  add(design([8, 8, 2], (b, x) => b.add('Concatenate', { axis: 7 }, [x, x], 'axis')));
  add(design([8, 8, 4], (b, x) => b.add('Residual', { variant: 'basic', filters: 8, projection: 'never' }, x, 'blk')));
  add(design([8, 8, 4], (b, x) => b.add('Inception', { filters3x3: 0 }, x, 'inc')));
  {
    const b = new DesignBuilder('graph');
    const x = b.input([8]);
    const y = b.add('Dense', { units: 8 }, x, 'other');
    b.output(b.add('Dense', { units: 3 }, [x, y], 'fc'));
    b.add('Dense', { units: 3 }, [], 'lonely');
    b.add('Add', {}, [x], 'half');
    add(b.build());
  }
  {
    const b = new DesignBuilder('cycle');
    const x = b.input([8]);
    const a = b.add('Dense', { units: 8 }, x, 'a');
    const c = b.add('Dense', { units: 8 }, a, 'c');
    b.connect(c, a);
    b.output(c);
    add(b.build());
  }
  {
    const doc = design([8], (b, x) => b.add('Dense', { units: 3 }, x, 'fc'));
    add({ ...doc, edges: [...doc.edges, { id: 'ghost', source: { node: 'nobody', port: 'out' }, target: { node: 'fc', port: 'in' } }, { id: 'bad_port', source: { node: 'input', port: 'out' }, target: { node: 'fc', port: 'side' } }, { id: 'bad_out', source: { node: 'input', port: 'left' }, target: { node: 'output', port: 'in' } }] });
  }
  {
    const doc = design([8], (b, x) => b.add('Dense', { units: 3 }, x, 'fc'));
    add({ ...doc, nodes: doc.nodes.filter((n) => n.type !== 'Input' && n.type !== 'Output'), edges: [] });
  }
  {
    const b = new DesignBuilder('merge');
    const x = b.input([32, 32, 3]);
    const aligned = b.add('Add', {}, [b.add('Conv2D', { filters: 4, kernelSize: [5, 5], padding: 'same' }, x, 'big'), b.add('Conv2D', { filters: 4, kernelSize: [3, 3], padding: 'same' }, x, 'small')], 'aligned');
    const shifted = b.add('Conv2D', { filters: 4, kernelSize: [2, 2], padding: 'valid' }, aligned, 'shifted');
    const other = b.add('Conv2D', { filters: 4, kernelSize: [3, 3] }, b.add('ZeroPadding2D', { padding: [[1, 0], [1, 0]] }, aligned, 'pad'), 'proj');
    b.output(b.add('Add', {}, [shifted, other], 'misaligned'));
    add(b.build());
  }
  const big = design([64, 64, 3], (b, x) => b.add('Dense', { units: 10 }, b.add('Flatten', {}, b.add('Conv2D', { filters: 64, padding: 'same' }, x, 'c'), 'f'), 'fc'));
  add(big, { memoryBudgetBytes: 1024, batchSize: 8 });
  add(big, { memoryBudgetBytes: 12 * 2 ** 20, batchSize: 64 });
  return docs.flatMap(([doc, options]) => analyzeDesign(doc, options).diagnostics);
}

describe('engine messages in the interface languages', () => {
  const diagnostics = battery();
  afterAll(() => void i18n.changeLanguage('en'));

  it('every diagnostic and fix code the engine declares has a text in every language', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const keys = [...leaves(i18n.getResourceBundle(lang, 'diagnostics')).keys()];
      const missing = DIAGNOSTIC_CODES.filter((c) => !keys.some((k) => k === `message.${c}` || k.startsWith(`message.${c}_`)));
      expect(missing, `diagnostic codes without a text in ${lang}/diagnostics.json`).toEqual([]);
      expect(FIX_CODES.filter((c) => !keys.includes(`fix.${c}`)), `fix codes without a text in ${lang}/diagnostics.json`).toEqual([]);
    }
  });

  it('the battery covers most codes and every fix carries a code', () => {
    const codes = new Set(diagnostics.map((d) => d.code));
    for (const c of ['shape-mismatch', 'needs-flatten', 'spatial-too-small', 'invalid-params', 'unknown-block', 'needs-image', 'unsupported', 'reshape-mismatch', 'unconnected', 'missing-input', 'too-many-inputs', 'unused-output', 'cycle', 'dangling-edge', 'unknown-port', 'no-input', 'no-output', 'rf-misaligned', 'memory-budget'] as const) {
      expect(codes, c).toContain(c);
    }
    const fixes = diagnostics.flatMap((d) => [...(d.fix ? [d.fix] : []), ...(d.alternatives ?? [])]);
    expect(fixes.length).toBeGreaterThan(10);
    expect(fixes.filter((f) => !f.code).map((f) => f.label)).toEqual([]);
  });

  it('in English, code + values write exactly the engine message and fix label', async () => {
    await i18n.changeLanguage('en');
    for (const d of diagnostics) {
      expect(diagnosticText(d), d.code).toBe(d.message);
      for (const f of [...(d.fix ? [d.fix] : []), ...(d.alternatives ?? [])]) expect(fixLabel(f)).toBe(f.label);
    }
  });

  it('in Chinese, every message and fix is translated, with its names and numbers kept', async () => {
    await i18n.changeLanguage('zh-CN');
    for (const d of diagnostics) {
      const text = diagnosticText(d);
      expect(text, d.message).not.toBe(d.message);
      expect(text, d.message).toMatch(/[\u4e00-\u9fff]/);
      expect(text).not.toMatch(/\{\{|\}\}/);
      // The node names and shapes a message quotes stay in the translation.
      for (const quoted of d.message.match(/'[A-Za-z0-9_]+'/g) ?? []) expect(text, d.message).toContain(quoted.slice(1, -1));
      if (process.env.I18N_PRINT) console.log(`${d.message}\n  ${text}`);
      for (const f of [...(d.fix ? [d.fix] : []), ...(d.alternatives ?? [])]) {
        if (process.env.I18N_PRINT) console.log(`  [${f.label}] [${fixLabel(f)}]`);
        expect(fixLabel(f), f.label).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('validation messages of the schemas are translated, numbers and index paths kept; unknown ones stay', async () => {
    await i18n.changeLanguage('zh-CN');
    expect(translateDetail('expected a positive integer')).toBe('应为正整数');
    expect(translateDetail('[1]: expected at most 65536')).toBe('[1]: 应不大于 65536');
    expect(translateDetail('something zod says')).toBe('something zod says');
    // zod's own messages for a bad document field (what parseDocument quotes), as zod writes them.
    const zod = (raw: unknown) => {
      try {
        parseDocument(raw);
      } catch (err) {
        return (err as DesignError).detail!.values.issue as string;
      }
      throw new Error('parsed');
    };
    const lenet = (): Doc => JSON.parse(JSON.stringify(requireTemplate('lenet5').build()));
    type Doc = { nodes: { type?: string; position: { x: unknown } }[]; edges: unknown; name: string; training: unknown; format: string };
    const cases: [(d: Doc) => void, string][] = [
      [(d) => delete d.nodes[1].type, '类型不对：应为字符串，实际为缺失'],
      [(d) => (d.nodes[1].position.x = 'x'), '类型不对：应为数字，实际为字符串'],
      [(d) => (d.edges = {}), '类型不对：应为数组，实际为对象'],
      [(d) => (d.name = 'x'.repeat(300)), '过大：字符串最多 200 个字符'],
      [(d) => (d.training = { epochs: -1 }), '过小：数字应大于 0'],
      [(d) => (d.format = 'foo'), '取值不对：应为 "layerloom.design"'],
    ];
    for (const [change, text] of cases) {
      const doc = lenet();
      change(doc);
      expect(translateDetail(zod(doc))).toBe(text);
    }
    const zero = diagnostics.find((d) => d.subject?.name === 'zero')!;
    expect(diagnosticText(zero)).toBe('“zero”（Conv2D）：params.filters：应为正整数，实际为 0；params.kernelSize[0]：应为正整数，实际为 0');
    await i18n.changeLanguage('en');
    expect(translateDetail('[1]: expected at most 65536')).toBe('[1]: expected at most 65536');
  });

  it('a diagnostic from an engine newer than the language files shows its English', () => {
    const d = { severity: 'error', code: 'from-the-future', message: 'something new went wrong' } as unknown as Diagnostic;
    expect(diagnosticText(d)).toBe('something new went wrong');
  });

  it("the 'why it works' field sentence: the English written from code + numbers is the engine's, for each verdict; the Chinese keeps the numbers", async () => {
    const cases: [string, DesignDocument][] = [
      ['local', requireTemplate('fashion-cnn').build()],
      ['whole', requireTemplate('resnet18').build()],
      ['none', design([8, 8, 1], (b, x) => b.add('Dense', { units: 3 }, b.add('Flatten', {}, x, 'flat'), 'fc'))],
      ['large', design([12, 12, 1], (b, x) => b.add('Conv2D', { filters: 2, kernelSize: [7, 7] }, x, 'wide'))],
    ];
    for (const [code, doc] of cases) {
      const story = designStory(doc, analyzeDesign(doc));
      expect(story.fieldVerdictCode, code).toBe(code);
      expect(fieldVerdictText(story)).toBe(story.fieldVerdict);
      await i18n.changeLanguage('zh-CN');
      const zh = fieldVerdictText(story);
      await i18n.changeLanguage('en');
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      for (const n of story.fieldVerdict.match(/\d+×\d+/g) ?? []) expect(zh, story.fieldVerdict).toContain(n);
    }
  });

  it('refused wires: every connect code is met; the English from code + values is the engine reason; the Chinese keeps the names', async () => {
    const node = (id: string, type: string) => ({ id, type, name: id, params: {}, position: { x: 0, y: 0 } });
    const edge = (id: string, s: string, t: string) => ({ id, source: { node: s, port: 'out' }, target: { node: t, port: 'in' } });
    const doc = parseDocument({
      format: 'layerloom.design',
      version: 1,
      nodes: [node('in', 'Input'), node('a', 'Conv2D'), node('b', 'Conv2D'), node('add', 'Add'), node('out', 'Output')],
      edges: [edge('e1', 'in', 'a'), edge('e2', 'a', 'b'), edge('e3', 'b', 'add')],
    });
    const attempts = [
      { source: 'a', target: 'a' },
      { source: 'b', target: 'a' },
      { source: 'out', target: 'a' },
      { source: 'a', target: 'in' },
      { source: 'in', target: 'a' },
      { source: 'a', target: 'b', targetHandle: 'nope' },
      { source: 'a', sourceHandle: 'aux', target: 'add' },
      { source: 'ghost', target: 'a' },
    ];
    const seen = new Set<string>();
    for (const attempt of attempts) {
      const verdict = canConnect(doc, attempt);
      if (verdict.ok) throw new Error(`${JSON.stringify(attempt)} was allowed`);
      seen.add(verdict.code);
      expect(connectRefusalText(verdict)).toBe(verdict.reason);
      await i18n.changeLanguage('zh-CN');
      const zh = connectRefusalText(verdict);
      await i18n.changeLanguage('en');
      expect(zh, verdict.reason).toMatch(/[\u4e00-\u9fff]/);
      expect(zh).not.toMatch(/\{\{|\}\}/);
      for (const quoted of verdict.reason.match(/'[A-Za-z0-9_]+'/g) ?? []) expect(zh, verdict.reason).toContain(quoted.slice(1, -1));
    }
    expect([...seen].sort()).toEqual([...CONNECT_CODES].sort());
  });

  it('error details (training, memory budget, search, export, files): for each code the English from code + values is the engine\'s English; the Chinese keeps the values', async () => {
    const samples = Object.fromEntries(Object.entries(ERROR_DETAIL_SAMPLES).map(([code, [values]]) => [code, values])) as Record<ErrorDetailCode, ErrorDetail['values']>;
    // Numbers are written for the language: the Chinese text shows them as Intl does for zh-CN.
    const shown = (v: string | number) => (typeof v === 'number' ? new Intl.NumberFormat('zh-CN').format(v) : v);
    for (const code of ERROR_DETAIL_CODES) {
      const detail = { code, values: samples[code] };
      const english = errorDetailEnglish(detail);
      expect(errorDetailText({ message: 'fallback', detail })).toBe(english);
      await i18n.changeLanguage('zh-CN');
      const zh = errorDetailText({ message: 'fallback', detail });
      await i18n.changeLanguage('en');
      // Chinese text, or (a name before a quoted reason) the Chinese colon.
      expect(zh, code).toMatch(/[\u4e00-\u9fff]|：/);
      expect(zh).not.toMatch(/\{\{|\}\}/);
      // No English sentence left (file paths, which may hold any word, aside).
      expect(zh.replace(/\S*\/\S*/g, ''), code).not.toMatch(/\b(the|is|are|to|of|than|parameters|design)\b/);
      // A schema message (`issue`) is translated itself (the test below); every other value is kept.
      for (const [k, v] of Object.entries(samples[code])) if (k !== 'issue') expect(zh, code).toContain(shown(v));
    }
    expect(errorDetailText({ message: 'the English', detail: { code: 'not-a-code', values: {} } })).toBe('the English');
    expect(errorDetailText({ message: 'the English' })).toBe('the English');
  });

  it('a refusal quoting an analysis problem writes it from its code; a schema message inside one is translated', async () => {
    const diagnostic = battery().find((d) => d.severity === 'error' && d.subject)!;
    const detail = { code: 'search-invalid-design', values: { reason: diagnostic.message }, diagnostic };
    const english = errorDetailEnglish(detail as ErrorDetail);
    expect(errorDetailText({ message: english, detail })).toBe(english);
    const issue = 'expected a positive integer';
    const bad = { code: 'search-value-invalid', values: { value: '-1', param: 'filters', type: 'Conv2D', issue } };
    await i18n.changeLanguage('zh-CN');
    const zh = errorDetailText({ message: english, detail });
    const zhIssue = errorDetailText({ message: 'x', detail: bad });
    await i18n.changeLanguage('en');
    expect(zh).toBe(`设计无效：${(await withLanguage('zh-CN', () => diagnosticText(diagnostic)))}`);
    expect(zh).not.toContain(diagnostic.message);
    expect(translateDetail(issue)).toBe(issue); // in English
    expect(zhIssue).toBe(`-1 不是 Conv2D 的有效 filters：${await withLanguage('zh-CN', () => translateDetail(issue))}`);
    expect(zhIssue).not.toContain(issue);
  });

  it('a detail quoting another (a file, then what is wrong with it) writes both in the language', async () => {
    const onnx = quoting('export-onnx-refused-more', { more: 2 }, quoting('export-feature', { node: 'dcn1' }, { code: 'export-layer-class', values: { className: 'DeformableConv2D', target: 'ONNX' } }));
    const detail = quoting('at-file', { file: '/docs/m.onnx' }, onnx);
    const english = errorDetailEnglish(detail);
    expect(english).toBe('/docs/m.onnx: cannot export to ONNX: dcn1: DeformableConv2D layers cannot be exported to ONNX (and 2 more)');
    expect(errorDetailText({ message: english, detail })).toBe(english);
    expect(await withLanguage('zh-CN', () => errorDetailText({ message: english, detail }))).toBe('/docs/m.onnx：无法导出为 ONNX：dcn1：DeformableConv2D 层无法导出为 ONNX（另有 2 处）');
  });

  it('an ONNX node refused for a case its operator cannot express: the node, then the case, in Chinese', async () => {
    const detail = quoting('at-file', { file: '/docs/m.onnx' }, quoting('onnx-node-case', { op: 'Clip', node: 'clip_0' }, { code: 'onnx-clip-range', values: { min: '-1', max: '1' } }));
    const english = errorDetailEnglish(detail);
    expect(english).toBe("/docs/m.onnx: Clip node 'clip_0': Clip to [-1, 1]: LayerLoom has ReLU (clip to [0, inf)) and ReLU6 ([0, 6])");
    expect(await withLanguage('zh-CN', () => errorDetailText({ message: english, detail }))).toBe('/docs/m.onnx：Clip 节点“clip_0”：裁剪到 [-1, 1]：LayerLoom 只有 ReLU（裁剪到 [0, ∞)）和 ReLU6（[0, 6]）');
  });

  it('a code export refused for several features: each line (the node, then what Keras cannot express) in the language', async () => {
    const doc = design([16, 16, 3], (b, x) => b.add('DynamicConv2D', { filters: 4 }, b.add('DeformableConv2D', { filters: 4, kernelSize: [3, 3], padding: 'same' }, x, 'dcn'), 'dyn'));
    let refused: DesignError | undefined;
    try {
      prepareExport(doc, 'keras');
    } catch (err) {
      refused = err as DesignError;
    }
    expect(refused?.detail).toMatchObject({ code: 'export-code-refused', values: { target: 'keras', count: 2 } });
    const english = refused!.message;
    expect(errorDetailText({ message: english, detail: refused!.detail })).toBe(english);
    const zh = await withLanguage('zh-CN', () => errorDetailText({ message: english, detail: refused!.detail }));
    const lines = zh.split('\n');
    expect(lines[0]).toBe('无法导出为 keras：此设计有 2 处特性无法表达：');
    expect(lines.slice(1).map((l) => l.slice(0, l.indexOf('：'))).sort()).toEqual(['  - dcn', '  - dyn']);
    expect(zh.replace(/\b(DeformableConv2D|DynamicConv2D|Keras|PyTorch|torchvision\.ops\.DeformConv2d|LayerLoom|keras|dcn|dyn)\b/g, '')).not.toMatch(/[A-Za-z]{2,}/);
    // A line whose code the language files lack: the whole message stays English rather than half translated.
    const stranger = { ...refused!.detail!, causes: [...refused!.detail!.causes!, { code: 'not-a-code', values: {} }] };
    expect(await withLanguage('zh-CN', () => errorDetailText({ message: english, detail: stranger }))).toBe(english);
  });
});

/** Runs `f` with the interface in `language`, then back in English. */
async function withLanguage<T>(language: string, f: () => T): Promise<T> {
  await i18n.changeLanguage(language);
  try {
    return f();
  } finally {
    await i18n.changeLanguage('en');
  }
}
