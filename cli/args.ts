/**
 * Minimal typed argument parsing shared by every sub-command, on top of Node's `util.parseArgs`,
 * turning its errors into `CliError`s (exit 2) with the option named.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error';

/** Parses `args` with the given options; unknown options and missing values become a `CliError`. */
export function parseCliArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** Parses a positive integer option, naming the option in the error. */
export function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${option} must be a positive integer, got '${value}'.`);
  return n;
}

/** Parses a positive number option, naming the option in the error. */
export function positiveNumber(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${option} must be a positive number, got '${value}'.`);
  return n;
}

/** Parses `HxWxC` (e.g. `224x224x3`) into a shape. */
export function parseShape(value: string | undefined, option: string): [number, number, number] | undefined {
  if (value === undefined) return undefined;
  const parts = value.toLowerCase().split(/[x×,]/).map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new CliError(`${option} must look like HxWxC with positive integers (e.g. 224x224x3), got '${value}'.`);
  }
  return parts as [number, number, number];
}
