/**
 * Live connection validation: decides while the user drags a wire whether it may land, and why not.
 * Shape problems are allowed (they become diagnostics with a one-click fix); what is refused is what cannot be
 * a network at all: a self loop, a cycle, a duplicate wire, or a port that does not exist.
 */
import type { DesignDocument } from '../engine';
import { hasOutput, inputPorts } from './ports';

/** A wire being drawn. */
export interface ConnectionAttempt {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

/** Allowed (possibly replacing the wire that held a single-input port), or refused with a reason for the user. */
export type ConnectionVerdict = { ok: true; replaces: string[] } | { ok: false; reason: string };

/** Whether `to` is reachable from `from` along edges (so an edge to -> from would close a cycle). */
export function reaches(doc: DesignDocument, from: string, to: string): boolean {
  const out = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = out.get(e.source.node);
    if (list) list.push(e.target.node);
    else out.set(e.source.node, [e.target.node]);
  }
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === to) return true;
    for (const next of out.get(id) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

/** Checks a wire from `source`'s output to `target`'s input port. */
export function checkConnection(doc: DesignDocument, c: ConnectionAttempt): ConnectionVerdict {
  const source = doc.nodes.find((n) => n.id === c.source);
  const target = doc.nodes.find((n) => n.id === c.target);
  if (!source || !target) return { ok: false, reason: 'both ends must be blocks on this canvas' };
  if (source.id === target.id) return { ok: false, reason: `'${source.name}' cannot feed itself` };
  if (!hasOutput(source.type)) return { ok: false, reason: `'${source.name}' is the model output and has no outgoing port` };
  const ports = inputPorts(target, doc.composites);
  if (!ports.length) return { ok: false, reason: `'${target.name}' is an Input block and takes no incoming connection` };
  const portName = c.targetHandle ?? ports[0].name;
  const port = ports.find((p) => p.name === portName);
  if (!port) return { ok: false, reason: `'${target.name}' has no input port '${portName}'` };
  const sourcePort = c.sourceHandle ?? 'out';
  const existing = doc.edges.filter((e) => e.target.node === target.id && e.target.port === port.name);
  if (existing.some((e) => e.source.node === source.id && e.source.port === sourcePort)) {
    return { ok: false, reason: `'${source.name}' is already connected to '${target.name}'` };
  }
  if (reaches(doc, target.id, source.id)) {
    return { ok: false, reason: `would create a cycle: '${target.name}' already feeds '${source.name}'` };
  }
  return { ok: true, replaces: port.variadic ? [] : existing.map((e) => e.id) };
}
