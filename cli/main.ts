/**
 * The `layerloom` command line: dispatches to one module per sub-command under `cli/commands/`.
 * Every command returns an exit code; user errors are printed as one clear message (exit 2), never a stack trace.
 */
import { CliError } from './cli-error';

/** Sub-commands and the modules that implement them (each exports `run(args): Promise<number>`). */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: (args: string[]) => Promise<number> }> }> = {
  analyze: { summary: 'analyze <document.json | template> [--input HxWxC] [--batch N] [--json]', load: () => import('./commands/analyze') },
  templates: { summary: 'templates [--json]', load: () => import('./commands/templates') },
  blocks: { summary: 'blocks [--json]', load: () => import('./commands/blocks') },
  search: { summary: 'search <document | template> [--space <space.json>] [--budget N] [--method random|halving] [--batches N] [--dataset SPEC] [--seed S] [--out DIR] [--json]', load: () => import('./commands/search') },
  export: { summary: 'export <document | template | run folder> --format ts|keras|pytorch|tfjs|onnx -o <path> [--input HxWxC] [--classes N] [--run <run folder>]', load: () => import('./commands/export') },
  import: { summary: 'import <model.json | model.onnx> -o <document.json> [--weights <folder>]', load: () => import('./commands/import') },
  inspect: { summary: 'inspect <run-dir> --what kernels|features|cam [--node NAME] [--sample FILE|INDEX] [--class K] [--top N] (-o out.png | --json)', load: () => import('./commands/inspect') },
  train: { summary: 'train <document | template> --dataset default|idx:DIR|cifar:DIR|folder:DIR [--epochs N] [--batch N] [--lr X] [--backend auto|torch|tensorflow-gpu|tensorflow|webgpu|wasm|cpu] [--gpus N] [--teacher RUN_DIR [--temperature T] [--alpha A]] [--out DIR] [--resume CHECKPOINT_DIR] [--json]', load: () => import('./commands/train') },
};

function usage(): string {
  return ['Usage: layerloom <command> [options]', '', 'Commands:', ...Object.values(COMMANDS).map((c) => `  layerloom ${c.summary}`)].join('\n');
}

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`layerloom: unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage: layerloom ${command.summary}`);
    return 0;
  }
  try {
    const mod = await command.load();
    return await mod.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`layerloom ${name}: ${err.message}`);
      return err.exitCode;
    }
    const design = err as { name?: string; message?: string };
    if (design && design.name === 'DesignError') {
      console.error(`layerloom ${name}: ${design.message}`);
      return 2;
    }
    console.error(`layerloom ${name}: internal error: ${(err as Error)?.message ?? String(err)}`);
    if (process.env.LAYERLOOM_DEBUG) console.error(err);
    return 1;
  }
}
