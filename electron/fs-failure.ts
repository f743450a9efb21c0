/**
 * File-system failures as host errors, for every host service that reads or writes the user's files (documents,
 * model files, generated code): what went wrong at which path, in English and by code + values
 * (engine/messages.ts) so the app says it in its language. A full disk says that nothing was saved.
 */
import { HostError, type HostErrorCode } from '../contract/host-contract';
import { errorDetailEnglish, type ErrorDetail } from '../engine/messages';

/** A host error whose message is the detail's English, carrying the detail for the app. */
export function refusedBy(kind: HostErrorCode, detail: ErrorDetail, field?: string): HostError {
  return new HostError(kind, errorDetailEnglish(detail), field, detail);
}

/** The host error for a failed read or write of `path` (`field`: the request field that named it). */
export function fsFailure(err: unknown, path: string, field?: string): HostError {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return refusedBy('not-found', { code: 'fs-not-found', values: { path } }, field);
    case 'EACCES': case 'EPERM': case 'EROFS': return refusedBy('permission-denied', { code: 'fs-permission', values: { path } }, field);
    case 'EISDIR': return refusedBy('bad-path', { code: 'fs-is-folder', values: { path } }, field);
    case 'ENOTDIR': return refusedBy('bad-path', { code: 'fs-parent-not-folder', values: { path } }, field);
    case 'ENOSPC': return refusedBy('io-error', { code: 'fs-disk-full', values: { path } }, field);
    case 'EDQUOT': return refusedBy('io-error', { code: 'fs-quota', values: { path } }, field);
    default: return refusedBy('io-error', { code: 'fs-io', values: { path, reason: (err as Error)?.message ?? String(err) } }, field);
  }
}
