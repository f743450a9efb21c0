/**
 * Loading and saving design documents: JSON text -> migrations -> schema validation, with errors that name
 * the path of the bad field and what was expected.
 */
import type { z } from 'zod';
import { DesignError, formatPath } from '../errors';
import { documentSchema, type DesignDocument } from './document';
import { migrate, NewerVersion } from './migrations';
import { detailedError, errorDetailEnglish, type ErrorDetail } from '../messages';

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${formatPath(issue.path as PropertyKey[])}: ${issue.message}`;
}

/** Validates raw JSON (any version) and returns a current document, or throws a `DesignError` naming the path. */
export function parseDocument(raw: unknown): DesignDocument {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw detailedError('invalid-document', { code: 'document-not-object', values: {} });
  }
  let migrated: Record<string, unknown>;
  try {
    migrated = migrate(raw as Record<string, unknown>);
  } catch (err) {
    if (err instanceof NewerVersion) throw detailedError('unsupported-version', err.detail, 'version');
    throw new DesignError('unsupported-version', (err as Error).message, 'version');
  }
  const result = documentSchema.safeParse(migrated);
  if (!result.success) {
    const issues = result.error.issues.map(describeIssue);
    const first = result.error.issues[0];
    const more = issues.length - 1;
    const detail: ErrorDetail = { code: more === 0 ? 'document-invalid' : more === 1 ? 'document-invalid-more-one' : 'document-invalid-more', values: { issue: first.message, ...(more > 0 ? { more } : {}) } };
    throw new DesignError('invalid-document', errorDetailEnglish(detail), formatPath(first.path as PropertyKey[]), issues, detail);
  }
  return result.data;
}

/** Parses document JSON text; a syntax error names the line and column. */
export function parseDocumentText(text: string, fileName = 'document'): DesignDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw detailedError('invalid-json', { code: 'json-syntax', values: { file: fileName, reason: (err as Error).message } });
  }
  return parseDocument(raw);
}

/** Serializes a document as stable, human-readable JSON (2-space indent, trailing newline). */
export function serializeDocument(doc: DesignDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
