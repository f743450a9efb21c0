import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCode } from './index';
import { inspectPython } from './test-python';
import { commentText, IdentifierAllocator, pyString, PYTHON_RESERVED, tsLiteral, tsString } from './sanitize';
import { PYTHON } from './test-python';
import { HOSTILE_STRINGS, hostileDesign, scratchDir } from './test-designs';

/** What the strings should decode to: lone surrogates are dropped. */
const clean = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
const samples = [...HOSTILE_STRINGS, 'plain', '', 'émoji 🎛 and 中文', '\0\x1b\x7f\u0085'];

describe('sanitize', () => {
  it.each([
    ['conv 1', 'conv_1'],
    ['1st', 'layer_1st'],
    ['class', 'class_'],
    ['__init__', 'init__'],
    ['', 'layer_x'],
    ['"); evil() //', 'evil_'],
  ])('identifier from %j is %j', (name, want) => {
    expect(new IdentifierAllocator(PYTHON_RESERVED).allocate(name)).toBe(want);
  });

  it('keeps identifiers unique and within [A-Za-z0-9_]', () => {
    const ids = new IdentifierAllocator(PYTHON_RESERVED);
    const got = HOSTILE_STRINGS.concat(HOSTILE_STRINGS).map((s) => ids.allocate(s));
    expect(new Set(got).size).toBe(got.length);
    for (const id of got) expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
  });

  it('TypeScript string literals are printable ASCII and decode to the original text', () => {
    for (const s of samples) {
      const lit = tsString(s);
      expect(lit).toMatch(/^"[\x20-\x7e]*"$/);
      expect(new Function(`return ${lit};`)()).toBe(clean(s));
    }
    expect(new Function(`return ${tsLiteral({ a: [1, 'x"y'], 'b-c': { d: null } })};`)()).toEqual({ a: [1, 'x"y'], 'b-c': { d: null } });
  });

  it('Python string literals are printable ASCII and decode to the original text', () => {
    const lits = samples.map(pyString);
    for (const lit of lits) expect(lit).toMatch(/^"[\x20-\x7e]*"$/);
    const script = `import ast, json, sys\nprint(json.dumps([ast.literal_eval(l) for l in json.loads(sys.stdin.read())]))`;
    const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(lits), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(samples.map(clean));
  });

  it('comment text has no line breaks, comment terminators, triple quotes or bidi controls', () => {
    for (const s of samples) {
      const c = commentText(s);
      expect(c).not.toMatch(/[\n\r\u2028\u2029\u0085\u202a-\u202e\u2066-\u2069]|\*\/|"""|'''/);
    }
  });
});

describe('hostile document strings cannot inject code', () => {
  const doc = hostileDesign();
  const payload = /execSync\(|os\.system\(|__import__\(|writeFileSync\(/;

  it.each([
    ['ts', /^\s*\/\//],
    ['keras', /^\s*#/],
    ['pytorch', /^\s*#/],
  ] as const)('%s: payload text appears only inside comments', (target, comment) => {
    for (const file of generateCode(doc, target)) {
      for (const line of file.contents.split('\n')) {
        if (payload.test(line)) expect(line, `${target}/${file.path}`).toMatch(comment);
      }
      expect(file.contents).not.toMatch(/[\u2028\u2029\u202a-\u202e\r]/);
    }
  });

  it('the Python files hold only imports, constants, functions, classes and the main guard', () => {
    const dir = scratchDir('hostile-py');
    for (const target of ['keras', 'pytorch'] as const) {
      mkdirSync(path.join(dir, target));
      for (const f of generateCode(doc, target)) writeFileSync(path.join(dir, target, f.path), f.contents);
    }
    const inspected = inspectPython(dir, ['keras/model.py', 'pytorch/model.py']);
    for (const { top } of Object.values(inspected)) {
      expect(top.filter((t) => !/^(import |const [A-Z_]+$|FunctionDef |ClassDef |if __name__ == '__main__')/.test(t))).toEqual([]);
    }
  });
});
