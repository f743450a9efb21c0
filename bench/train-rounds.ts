/**
 * Interleaved timing rounds for `bench:train`: every contender (a hand-written PyTorch loop, the torch backend, a
 * tfjs backend) is set up once and warmed up, then each round times one window of ≥ `seconds` per contender in
 * turn, so a burst of load from elsewhere on a shared machine lands on all of them alike. A contender's ratio
 * to the peer is taken per round (same minute, same load) and reported as the median with its spread.
 */
import { median } from './train-lib';

/** One timed window: examples trained and the seconds they took. */
export interface Window {
  examples: number;
  seconds: number;
}

/** Something that trains and can be timed in windows. */
export interface Contender {
  name: string;
  /** Printed beside the figures (device, threads, what is measured). */
  note: string;
  /** Trains at least `minSeconds` (and at least one step) and reports what it did. */
  window(minSeconds: number): Promise<Window>;
  close(): Promise<void>;
}

/** A contender's rounds. */
export interface RoundsResult {
  name: string;
  note: string;
  /** examples/s per round. */
  rates: number[];
}

/** Runs `rounds` rounds of one window per contender, in a fixed order per round. */
export async function runRounds(contenders: Contender[], rounds: number, seconds: number, log: (s: string) => void): Promise<RoundsResult[]> {
  const out = contenders.map((c) => ({ name: c.name, note: c.note, rates: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    const parts: string[] = [];
    for (let i = 0; i < contenders.length; i++) {
      const w = await contenders[i].window(seconds);
      const rate = w.examples / w.seconds;
      out[i].rates.push(rate);
      parts.push(`${contenders[i].name} ${rate.toFixed(1)}`);
    }
    log(`    round ${r + 1}/${rounds}: ${parts.join(' | ')} ex/s`);
  }
  return out;
}

/** Median rate, and the median / min / max over rounds of the per-round ratio to `peer`. */
export interface Summary {
  name: string;
  note: string;
  examplesPerSec: number;
  rates: number[];
  ratio?: { median: number; min: number; max: number; perRound: number[] };
  gflops?: number;
}

/** Summarizes rounds against the peer's rounds (same index = same round); `flopsPerExample` gives GFLOP/s. */
export function summarize(results: RoundsResult[], peer: string | null, flopsPerExample?: number): Summary[] {
  const p = results.find((r) => r.name === peer);
  return results.map((r) => {
    const examplesPerSec = median(r.rates);
    const s: Summary = { name: r.name, note: r.note, examplesPerSec, rates: r.rates };
    if (flopsPerExample) s.gflops = (examplesPerSec * flopsPerExample) / 1e9;
    if (p && r !== p) {
      const perRound = r.rates.map((v, i) => v / p.rates[i]);
      s.ratio = { median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound), perRound };
    }
    return s;
  });
}
