/** Test support: inspects generated Python with `py_compile` and `ast` (no TensorFlow or torch needed). */
import { spawnSync } from 'node:child_process';

/** Any Python 3 with `ast.unparse` (3.9+): the pyenv one when present, else Debian's. */
export const PYTHON = spawnSync('python3', ['--version']).status === 0 ? 'python3' : '/usr/bin/python3';

/** Summarizes a generated module: top-level statement kinds, and for Keras each `v = layers.X(...)(inputs)`. */
const INSPECT_PY = `
import ast, json, py_compile, sys
out = {}
for file in sys.argv[1:]:
    py_compile.compile(file, doraise=True)
    tree = ast.parse(open(file, encoding="utf-8").read())
    top = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            top.append("import " + ",".join(a.name for a in node.names))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.append(type(node).__name__ + " " + node.name)
        elif isinstance(node, ast.Assign):
            ast.literal_eval(node.value)  # constants only: no calls
            top.append("const " + ",".join(t.id for t in node.targets))
        elif isinstance(node, ast.If):
            top.append("if " + ast.unparse(node.test))
        else:
            top.append("other " + type(node).__name__)
    calls, model = [], None
    for fn in tree.body:
        if isinstance(fn, ast.FunctionDef) and fn.name == "build_model":
            for st in fn.body:
                if isinstance(st, ast.Assign) and isinstance(st.value, ast.Call):
                    outer = st.value
                    if isinstance(outer.func, ast.Call):  # layers.X(**kw)(inputs)
                        inner = outer.func
                        kw = {}
                        for k in inner.keywords:
                            try:
                                kw[k.arg] = ast.literal_eval(k.value)
                            except ValueError:
                                kw[k.arg] = {"name": ast.unparse(k.value)}
                        arg = outer.args[0]
                        ins = [e.id for e in arg.elts] if isinstance(arg, ast.List) else [arg.id]
                        calls.append({"var": st.targets[0].id, "cls": ast.unparse(inner.func), "kw": kw, "inputs": ins})
                    else:  # keras.Input(...)
                        calls.append({"var": st.targets[0].id, "cls": ast.unparse(outer.func),
                                      "kw": {k.arg: ast.literal_eval(k.value) for k in outer.keywords}, "inputs": []})
                elif isinstance(st, ast.Return):
                    model = {k.arg: ast.unparse(k.value) for k in st.value.keywords}
    out[file] = {"top": top, "calls": calls, "model": model}
print("RESULT " + json.dumps(out))
`;

/** Inspects generated Python files with `ast` (exported for the PyTorch/injection checks too). */
export function inspectPython(dir: string, files: string[]): Record<string, { top: string[]; calls: { var: string; cls: string; kw: Record<string, unknown>; inputs: string[] }[]; model: Record<string, string> | null }> {
  const r = spawnSync(PYTHON, ['-c', INSPECT_PY, ...files], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`python inspection failed:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line.slice(7));
}
