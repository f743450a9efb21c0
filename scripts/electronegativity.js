#!/usr/bin/env node
// Runs @doyensec/electronegativity (Electron security static analysis) over the app's sources for the Electron
// version we ship, prints its summary (findings per severity, then each finding) and exits 1 on any HIGH or
// MEDIUM finding. It scans a copy of the source tree without build output (dist*, test-results), so a stale
// bundle in the checkout neither slows it down nor hides a finding. Offline it warns that it cannot fetch
// Electron's release list (that one check needs the network); every other check runs.
// Run by `npm test` (scripts/test-all.js) and `npm run check:electron`.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const ELECTRON_VERSION = String(pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron ?? '').replace(/^[^\d]*/, '');
const SKIP_DIRS = new Set(['node_modules', '.git', 'test-results', 'dist', 'dist-electron', 'dist-test']);
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'];

/** Findings as plain records: `{ id, severity, confidence, file, location, description }`. */
export function toFindings(issues) {
  return issues.map((i) => ({
    id: i.id,
    severity: String(i.severity?.name ?? i.severity),
    confidence: String(i.confidence?.name ?? i.confidence),
    file: i.file,
    location: `${i.location?.line ?? 0}:${i.location?.column ?? 0}`,
    description: i.description,
  }));
}

/** Counts per severity, in severity order, and whether any finding fails the run. */
export function summarize(findings) {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const f of findings) counts[f.severity.toUpperCase()] = (counts[f.severity.toUpperCase()] ?? 0) + 1;
  const failing = findings.filter((f) => ['CRITICAL', 'HIGH', 'MEDIUM'].includes(f.severity.toUpperCase()));
  return { counts, failing };
}

/**
 * Runs electronegativity on `dir` (a folder of sources) for our Electron version; resolves to its findings
 * (paths relative to `dir`) and the files it could not parse. `excludeChecks`: check class names to skip
 * (the tests skip the one that needs the network).
 */
export async function scan(dir, { excludeChecks = [] } = {}) {
  // Called as a library: its CLI writes the CSV header and the rows with two racing writes.
  const run = createRequire(import.meta.url)('@doyensec/electronegativity');
  const result = await run({
    input: dir, output: undefined, isSarif: false, customScan: [], excludeFromScan: excludeChecks.map((c) => c.toLowerCase()),
    severitySet: undefined, confidenceSet: undefined, isRelative: true, isVerbose: false, electronUpgrade: undefined,
    electronVersionOverride: ELECTRON_VERSION, parserPlugins: [],
  });
  const findings = toFindings(result.issues).map((f) => ({ ...f, file: f.file.startsWith(dir) ? relative(dir, f.file) : f.file }));
  return { findings, errors: (result.errors ?? []).map((e) => ({ file: relative(dir, e.file ?? ''), message: e.message })) };
}

/** The summary lines the test log shows. */
export function report(findings) {
  const { counts, failing } = summarize(findings);
  const lines = [`electronegativity summary: ${SEVERITIES.map((s) => `${counts[s]} ${s.toLowerCase()}`).join(', ')}`];
  for (const f of findings) lines.push(`  ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.id}  ${f.file}:${f.location}  ${f.description}`);
  return { lines, failing };
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'layerloom-electronegativity-'));
  try {
    const src = join(work, 'layerloom');
    cpSync(ROOT, src, { recursive: true, filter: (from) => !(SKIP_DIRS.has(basename(from)) || basename(from).startsWith('dist-')) || from === ROOT });
    console.log(`electronegativity: scanning ${relative(process.cwd(), ROOT) || '.'} (without node_modules and build output) for Electron ${ELECTRON_VERSION}`);
    const { findings, errors } = await scan(src);
    for (const e of errors) console.log(`  (could not parse ${e.file}: ${e.message})`);
    const { lines, failing } = report(findings);
    for (const line of lines) console.log(line);
    if (failing.length) {
      console.error(`electronegativity: ${failing.length} high/medium finding(s) — fix them, or review and annotate as its wiki describes`);
      return 1;
    }
    console.log('electronegativity: no high or medium findings');
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exit(await main());
