/**
 * The ISO text of an epoch-ms instant, cached: shared by the SLA algebra, which writes the same few
 * instants again and again while one command moves its clocks, and by the memory store's compact
 * rows, which turn stored epoch ms back into text on every read.
 */

// `toISOString` is the dearest step of writing an instant: a small direct-mapped cache of the last
// string per slot answers most of them.
const ISO_SLOTS = 256;
const isoKeys = new Float64Array(ISO_SLOTS).fill(Number.NaN);
const isoValues: string[] = new Array<string>(ISO_SLOTS).fill('');

/** The ISO string of an epoch-ms instant, as `new Date(ms).toISOString()` writes it. */
export function iso(ms: number): string {
  // ToInt32 of any number, so fractions and negatives land in a slot too (NaN throws in toISOString, uncached).
  const slot = ms & (ISO_SLOTS - 1);
  if (isoKeys[slot] === ms) return isoValues[slot] as string;
  const text = new Date(ms).toISOString();
  isoKeys[slot] = ms;
  isoValues[slot] = text;
  return text;
}
