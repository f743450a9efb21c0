/**
 * Everything a code generator writes that came from a document goes through here: identifiers are rebuilt
 * from `[A-Za-z0-9_]`, strings are escaped down to printable ASCII, comments lose line breaks, comment
 * terminators and invisible/bidi characters. No document string can end a literal or comment early.
 */

/** Python keywords and the names the generated Python refers to, so a layer cannot shadow them. */
export const PYTHON_RESERVED: ReadonlySet<string> = new Set([
  ...['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else'],
  ...['except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise'],
  ...['return', 'try', 'while', 'with', 'yield', 'match', 'case', '_', 'self', 'torch', 'nn', 'F', 'tf', 'keras', 'layers', 'math'],
  ...['print', 'super', 'float', 'int', 'len', 'range', 'tuple', 'list', 'dict', 'object', 'isinstance', 'sum', 'x', 'inputs', 'outputs'],
  ...['build_model', 'main', 'model', 'np', 'os', 'sys'],
]);

/** Attributes of `torch.nn.Module` (torch 1.13): a submodule with one of these names would break the module. */
export const TORCH_MODULE_ATTRIBUTES: ReadonlySet<string> = new Set([
  ...['T_destination', 'add_module', 'apply', 'bfloat16', 'buffers', 'children', 'cpu', 'cuda', 'double', 'dump_patches', 'eval'],
  ...['extra_repr', 'float', 'forward', 'get_buffer', 'get_extra_state', 'get_parameter', 'get_submodule', 'half', 'ipu'],
  ...['load_state_dict', 'modules', 'named_buffers', 'named_children', 'named_modules', 'named_parameters', 'parameters'],
  ...['register_backward_hook', 'register_buffer', 'register_forward_hook', 'register_forward_pre_hook', 'register_full_backward_hook'],
  ...['register_load_state_dict_post_hook', 'register_module', 'register_parameter', 'requires_grad_', 'set_extra_state'],
  ...['share_memory', 'state_dict', 'to', 'to_empty', 'train', 'training', 'type', 'xpu', 'zero_grad', 'final_activation', 'predict'],
]);

/** TypeScript/JavaScript reserved words and the names the generated TypeScript refers to. */
export const TS_RESERVED: ReadonlySet<string> = new Set([
  ...['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export'],
  ...['extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super'],
  ...['switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'implements'],
  ...['interface', 'package', 'private', 'protected', 'public', 'await', 'async', 'arguments', 'eval', 'undefined', 'NaN'],
  ...['Infinity', 'tf', 'buildModel', 'model', 'globalThis', 'process', 'console', 'Object', 'Array', 'String', 'Number', 'Math'],
  ...['as', 'of', 'type', 'any', 'never', 'unknown', 'object', 'string', 'number', 'boolean', 'symbol', 'bigint', 'declare'],
]);

/**
 * Hands out identifiers: each name is reduced to `[A-Za-z0-9_]`, prefixed when it starts with a digit or is
 * empty, suffixed when reserved, and made unique within this allocator.
 */
export class IdentifierAllocator {
  private readonly used = new Set<string>();

  constructor(
    private readonly reserved: ReadonlySet<string>,
    private readonly prefix = 'layer_',
  ) {}

  /** A fresh identifier based on `name`. */
  allocate(name: string): string {
    let base = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+(?=.)/, '').slice(0, 60);
    if (!base || base === '_') base = this.prefix + 'x';
    if (/^[0-9]/.test(base)) base = this.prefix + base;
    // Python treats dunder names specially; keep generated names plain.
    if (base.startsWith('__')) base = base.replace(/^_+/, '') || this.prefix + 'x';
    if (this.reserved.has(base)) base += '_';
    let id = base;
    for (let i = 2; this.used.has(id) || this.reserved.has(id); i++) id = `${base}_${i}`;
    this.used.add(id);
    return id;
  }
}

/** Characters never written into generated text: C0/C1 controls, line/paragraph separators, bidi controls, BOM. */
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Text fit for a one-line comment in any of the targets: no line breaks, no `*\/`, no `"""`, no invisible or
 * bidi characters (which could make a comment look like code), at most `max` characters.
 */
export function commentText(text: string, max = 300): string {
  let out = text.replace(UNSAFE_CHARS, ' ').replace(/\*\//g, '* /').replace(/\/\*/g, '/ *').replace(/"""/g, '" " "').replace(/'''/g, "' ' '");
  out = out.replace(/\s+/g, ' ').trim();
  if (out.length > max) out = out.slice(0, max - 1) + '…';
  // Cutting may have split a surrogate pair; drop a dangling half.
  return out.replace(/[\ud800-\udbff]$/, '').replace(/^[\udc00-\udfff]/, '');
}

function escapeCodePoint(cp: number, lang: 'ts' | 'py'): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  if (cp <= 0xff) return `\\x${hex(cp, 2)}`;
  if (cp <= 0xffff) return `\\u${hex(cp, 4)}`;
  return lang === 'ts' ? `\\u{${hex(cp, 1)}}` : `\\U${hex(cp, 8)}`;
}

function quote(text: string, lang: 'ts' | 'py'): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    // Lone surrogates are not text; they are dropped rather than escaped.
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else out += escapeCodePoint(cp, lang);
  }
  return out + '"';
}

/** A double-quoted TypeScript string literal containing only printable ASCII (everything else escaped). */
export function tsString(text: string): string {
  return quote(text, 'ts');
}

/** A double-quoted Python 3 string literal containing only printable ASCII (everything else escaped). */
export function pyString(text: string): string {
  return quote(text, 'py');
}

/** A number as a literal, refusing NaN and infinities (which have no literal in either language). */
export function numberLiteral(n: number, where: string): string {
  if (!Number.isFinite(n)) throw new Error(`${where}: cannot write the non-finite number ${n} into code`);
  return String(n);
}

const TS_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JSON-like value as a TypeScript expression (objects with identifier keys unquoted). */
export function tsLiteral(value: unknown, where = 'value'): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return tsString(value);
  if (typeof value === 'number') return numberLiteral(value, where);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v, i) => tsLiteral(v, `${where}[${i}]`)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${TS_IDENTIFIER.test(k) ? k : tsString(k)}: ${tsLiteral(v, `${where}.${k}`)}`).join(', ')} }`;
  }
  throw new Error(`${where}: cannot write a ${typeof value} into code`);
}

/** A JSON-like value as a Python expression: arrays become tuples, objects dicts. */
export function pyLiteral(value: unknown, where = 'value'): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number') return numberLiteral(value, where);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) {
    const items = value.map((v, i) => pyLiteral(v, `${where}[${i}]`));
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pyString(k)}: ${pyLiteral(v, `${where}.${k}`)}`).join(', ')}}`;
  }
  throw new Error(`${where}: cannot write a ${typeof value} into code`);
}

/** camelCase -> snake_case (`kernelSize` -> `kernel_size`, `hardSigmoid` -> `hard_sigmoid`). */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
