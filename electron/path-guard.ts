/**
 * Confines the file paths the renderer names to the folders the user chose. In browser mode a page holding a
 * leaked token (or a compromised renderer) could otherwise read or overwrite any `.json` file the user can;
 * the guard refuses NUL bytes, Windows drive and UNC paths on other systems, `..` escapes, absolute paths
 * outside the roots and symlinks that lead out of them (checked on the real path of the nearest existing
 * folder, so a link created inside a root to `/etc` does not open a door).
 */
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { HostError } from '../contract/host-contract';
import { errorDetailEnglish, type ErrorDetail } from '../engine/messages';

/** Resolves and checks paths; `check` returns the absolute path or throws a `HostError` naming the problem. */
export interface PathGuard {
  /** The folders paths must stay inside (`null`: unconfined, Electron with native dialogs). */
  readonly roots: readonly string[] | null;
  check(raw: string, field?: string): string;
}

function inside(full: string, root: string): boolean {
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The real path of `full`: its nearest existing ancestor resolved through symlinks, plus the rest. */
function realPathOf(full: string): string {
  let head = full;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync.native(head), ...rest.reverse());
    } catch {
      const parent = dirname(head);
      if (parent === head) return full;
      rest.push(head.slice(parent.length).replace(/^[\\/]+/, ''));
      head = parent;
    }
  }
}

/**
 * Creates a guard. Relative paths resolve in `baseDir`, `~` in the home folder; with `roots` set, the result
 * (and its real path) must lie inside one of them.
 */
export function createPathGuard(options: { baseDir: string; roots: readonly string[] | null; platform?: string; purpose?: 'files' | 'dataset' }): PathGuard {
  const dataset = options.purpose === 'dataset';
  const refuse = (kind: 'bad-path' | 'permission-denied', detail: ErrorDetail, field: string) => new HostError(kind, errorDetailEnglish(detail), field, detail);
  const platform = options.platform ?? process.platform;
  const roots = options.roots?.map((r) => resolve(r)) ?? null;
  const realRoots = roots?.map(realPathOf) ?? null;
  return {
    roots,
    check(raw, field = 'path') {
      if (raw.includes('\0')) throw refuse('bad-path', { code: 'path-nul', values: { path: JSON.stringify(raw.replace(/\0/g, '\\0')) } }, field);
      if (platform !== 'win32' && (/^[A-Za-z]:([\\/]|$)/.test(raw) || raw.startsWith('\\\\'))) {
        throw refuse('bad-path', { code: 'path-windows', values: { path: raw } }, field);
      }
      const expanded = raw === '~' || raw.startsWith('~/') ? join(homedir(), raw.slice(1)) : raw;
      const full = isAbsolute(expanded) ? resolve(expanded) : resolve(options.baseDir, expanded);
      if (!roots || !realRoots) return full;
      const where = roots.join(', ');
      if (!roots.some((root) => inside(full, root))) {
        throw refuse('permission-denied', { code: dataset ? 'path-outside-dataset' : 'path-outside', values: { path: raw, roots: where } }, field);
      }
      const real = realPathOf(full);
      if (!realRoots.some((root) => inside(real, root))) {
        throw refuse('permission-denied', { code: dataset ? 'path-symlink-dataset' : 'path-symlink', values: { path: raw, real, roots: where } }, field);
      }
      return full;
    },
  };
}
