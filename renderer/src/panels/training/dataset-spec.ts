/**
 * The dataset a design trains on, as stored in its training settings (`default`, `idx:DIR`, `cifar:DIR`,
 * `folder:DIR` — the CLI's `--dataset` forms) and as the host contract takes it.
 */
import type { z } from 'zod';
import type { datasetSpecSchema } from '../../../../contract/training-protocol';

/** A dataset spec of the host contract. */
export type DatasetSpec = z.infer<typeof datasetSpecSchema>;
/** The kinds of dataset the panel offers. */
export type DatasetKind = DatasetSpec['kind'];

/** The kinds the panel offers, in its order; their names and hints are `dataset.kind.<kind>` / `dataset.kindHint.<kind>` in the language files. */
export const DATASET_KINDS: { kind: DatasetKind }[] = [{ kind: 'default' }, { kind: 'idx' }, { kind: 'cifar' }, { kind: 'folder' }];

/** Parses the stored text; anything unreadable falls back to the embedded set. */
export function parseDatasetText(text: string): DatasetSpec {
  const m = /^(idx|cifar|folder):(.+)$/.exec(text);
  return m ? { kind: m[1] as 'idx' | 'cifar' | 'folder', dir: m[2] } : { kind: 'default' };
}

/** The stored text of a spec. */
export function formatDatasetText(spec: DatasetSpec): string {
  return spec.kind === 'default' ? 'default' : `${spec.kind}:${spec.dir}`;
}
