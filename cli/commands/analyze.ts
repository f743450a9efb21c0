/**
 * `layerloom analyze <document.json | template-name> [--input HxWxC] [--batch N] [--json]`: shapes, parameters,
 * MACs and receptive fields per node, totals and diagnostics. Exit 0 for a valid design, 2 for an invalid one
 * (the report is still printed) or for bad input (one clear message).
 */
import { existsSync, readFileSync } from 'node:fs';
import { analyzeDesign } from '../../engine/analysis/analyze';
import type { DesignAnalysis, Diagnostic } from '../../engine/analysis/types';
import { parseDocumentText } from '../../engine/schema/load';
import type { DesignDocument } from '../../engine/schema/document';
import { getTemplate, TEMPLATE_NAMES } from '../../templates/index';
import { parseCliArgs, parseShape, positiveInt } from '../args';
import { CliError } from '../cli-error';

const USAGE = 'Usage: layerloom analyze <document.json | template-name> [--input HxWxC] [--batch N] [--json]';

/** The machine-readable report (`--json`). */
export interface AnalyzeReport {
  valid: boolean;
  totals: { params: number; trainableParams: number; nonTrainableParams: number; macs: number; memory: { trainingBytes: number; inferenceBytes: number; batchSize: number } };
  nodes: { id: string; name: string; type: string; outputShape: number[] | null; params: number; macs: number; receptiveField: { size: number[]; stride: number[]; padding: number[] } | null }[];
  diagnostics: Omit<Diagnostic, 'code'>[];
}

/** Loads a document file or builds a named template (retargeted to `inputShape`). */
export function loadDesign(target: string, inputShape?: number[]): DesignDocument {
  const looksLikeFile = target.endsWith('.json') || target.includes('/') || target.includes('\\');
  if (existsSync(target) || looksLikeFile) {
    let text: string;
    try {
      text = readFileSync(target, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read '${target}': ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    return parseDocumentText(text, target);
  }
  const template = getTemplate(target);
  if (!template) throw new CliError(`'${target}' is neither a document file nor a template. Templates: ${TEMPLATE_NAMES.join(', ')}`);
  return template.build(inputShape ? { inputShape } : {});
}

/** Builds the JSON report from an analysis. */
export function toReport(doc: DesignDocument, analysis: DesignAnalysis, batchSize: number): AnalyzeReport {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  return {
    valid: analysis.valid,
    totals: {
      params: analysis.totals.params,
      trainableParams: analysis.totals.trainableParams,
      nonTrainableParams: analysis.totals.nonTrainableParams,
      macs: analysis.totals.macs,
      memory: { ...analysis.totals.memory, batchSize },
    },
    nodes: Object.values(analysis.nodes).map((a) => {
      const n = byId.get(a.nodeId)!;
      return {
        id: a.nodeId, name: n.name, type: n.type, outputShape: a.outputShape ? [...a.outputShape] : null,
        params: a.params.trainable + a.params.nonTrainable, macs: a.macs, receptiveField: a.receptiveField,
      };
    }),
    diagnostics: analysis.diagnostics.map((d) => ({
      severity: d.severity, ...(d.nodeId ? { nodeId: d.nodeId } : {}), ...(d.edgeId ? { edgeId: d.edgeId } : {}), message: d.message,
      ...(d.fix ? { fix: d.fix } : {}), ...(d.alternatives ? { alternatives: d.alternatives } : {}),
    })),
  };
}

const num = (n: number) => n.toLocaleString('en-US');
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** A Keras `summary()`-like table. */
export function formatTable(doc: DesignDocument, report: AnalyzeReport): string {
  const rows = report.nodes.map((n) => [
    `${n.name || n.id} (${n.type})`,
    n.outputShape ? `(None, ${n.outputShape.join(', ')})` : '?',
    num(n.params),
    num(n.macs),
    n.receptiveField ? `${n.receptiveField.size.join('x')} /${n.receptiveField.stride.join('x')}` : '-',
  ]);
  const head = ['Layer (type)', 'Output Shape', 'Param #', 'MACs', 'RF (size /stride)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const t = report.totals;
  const out = [`Model: "${doc.name}"`, rule('─'), line(head), rule('═'), ...rows.map(line), rule('═'),
    `Total params: ${num(t.params)}`, `Trainable params: ${num(t.trainableParams)}`, `Non-trainable params: ${num(t.nonTrainableParams)}`,
    `MACs per example: ${num(t.macs)}`,
    `Memory at batch ${t.memory.batchSize}: training ≈ ${mib(t.memory.trainingBytes)}, inference ≈ ${mib(t.memory.inferenceBytes)}`, rule('─')];
  for (const d of report.diagnostics) {
    const where = [d.nodeId && `node ${d.nodeId}`, d.edgeId && `edge ${d.edgeId}`].filter(Boolean).join(', ');
    out.push(`${d.severity}${where ? ` [${where}]` : ''}: ${d.message}${d.fix ? `\n  fix: ${d.fix.label}` : ''}`);
  }
  out.push(report.valid ? 'The design is valid.' : 'The design is NOT valid (see the errors above).');
  return out.join('\n');
}

/** Runs `layerloom analyze`; returns 0 for a valid design, 2 for an invalid one. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    input: { type: 'string' },
    batch: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw new CliError(`expected one document or template name, got ${positionals.length}. ${USAGE}`);
  const inputShape = parseShape(values.input, '--input');
  const batch = positiveInt(values.batch, '--batch');
  const doc = loadDesign(positionals[0], inputShape);
  const batchSize = batch ?? doc.training.batchSize;
  const analysis = analyzeDesign(doc, { inputShape, batchSize });
  const report = toReport(doc, analysis, batchSize);
  console.log(values.json ? JSON.stringify(report, null, 2) : formatTable(doc, report));
  return analysis.valid ? 0 : 2;
}
