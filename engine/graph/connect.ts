/**
 * Which wires may exist: the rule the editor checks live while a wire is dragged and the `connect` command
 * enforces. Shape problems are allowed (they become diagnostics with a one-click fix); refused is what cannot
 * be a network at all: a self loop, a cycle, a duplicate wire, or a port that does not exist.
 */
import type { ConnectCode } from '../messages';
import type { DesignDocument } from '../schema/document';
import { hasOutput, inputPorts } from './ports';

/** A wire from `source`'s output port to `target`'s input port (`null`/missing ports: `out` and the first input). */
export interface ConnectionAttempt {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

/**
 * Allowed (naming the wires it would replace on a taken single-input port), or refused with a reason for the user:
 * in English, and as a code with its values for the editor's language files (`diagnostics:connect.<code>`).
 */
export type ConnectionVerdict =
  | { ok: true; targetPort: string; replaces: string[] }
  | { ok: false; reason: string; code: ConnectCode; values: Record<string, string> };

const refuse = (code: ConnectCode, values: Record<string, string>, reason: string): ConnectionVerdict => ({ ok: false, reason, code, values });

/** True when an edge source -> target would close a cycle, i.e. `target` already reaches `source`. */
export function createsCycle(doc: Pick<DesignDocument, 'edges'>, source: string, target: string): boolean {
  const next = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = next.get(e.source.node);
    if (list) list.push(e.target.node);
    else next.set(e.source.node, [e.target.node]);
  }
  const stack = [target];
  const seen = new Set<string>();
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

/** Checks a wire from `source`'s output to `target`'s input port. */
export function canConnect(doc: Pick<DesignDocument, 'nodes' | 'edges' | 'composites'>, c: ConnectionAttempt): ConnectionVerdict {
  const source = doc.nodes.find((n) => n.id === c.source);
  const target = doc.nodes.find((n) => n.id === c.target);
  if (!source || !target) return refuse('connect-missing-end', {}, 'both ends must be blocks on this canvas');
  if (source.id === target.id) return refuse('connect-self', { source: source.name }, `'${source.name}' cannot feed itself`);
  if (!hasOutput(source.type)) return refuse('connect-from-output', { source: source.name }, `'${source.name}' is the model output and has no outgoing port`);
  const sourcePort = c.sourceHandle ?? 'out';
  if (sourcePort !== 'out') return refuse('connect-no-output-port', { source: source.name, port: sourcePort }, `'${source.name}' has no output port '${sourcePort}'`);
  const ports = inputPorts(target, doc.composites);
  if (!ports.length) return refuse('connect-into-input', { target: target.name }, `'${target.name}' is an Input block and takes no incoming connection`);
  const portName = c.targetHandle ?? ports[0].name;
  const port = ports.find((p) => p.name === portName);
  if (!port) {
    const names = ports.map((p) => `'${p.name}'`).join(', ');
    return refuse('connect-no-input-port', { target: target.name, port: portName, ports: names }, `'${target.name}' has no input port '${portName}' (it has ${names})`);
  }
  const existing = doc.edges.filter((e) => e.target.node === target.id && e.target.port === port.name);
  if (existing.some((e) => e.source.node === source.id && e.source.port === sourcePort)) {
    return refuse('connect-duplicate', { source: source.name, target: target.name }, `'${source.name}' is already connected to '${target.name}'`);
  }
  if (createsCycle(doc, source.id, target.id)) {
    return refuse('connect-cycle', { source: source.name, target: target.name }, `would create a cycle: '${target.name}' already feeds '${source.name}'`);
  }
  return { ok: true, targetPort: port.name, replaces: port.variadic ? [] : existing.map((e) => e.id) };
}
