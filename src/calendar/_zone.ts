import { IANAZone } from 'luxon';
import { JiaobanError } from '../errors.js';

/**
 * Wall-clock ↔ instant conversion for one IANA zone. Luxon stays here, off the hot path: it is
 * only used while a year table is built (a few hundred conversions per year) and when a caller
 * passes a wall-clock string without an offset.
 */
export interface ZoneConverter {
  readonly name: string;
  /** Instant (epoch ms) of a wall-clock time given as if it were UTC epoch ms. */
  wallToInstant(wallMs: number): number;
  /** Offset from UTC in minutes at an instant. */
  offsetAt(instantMs: number): number;
}

export function zoneConverter(name: string): ZoneConverter {
  if (!IANAZone.isValidZone(name)) {
    throw new JiaobanError('CALENDAR_CONFIG', `Unknown IANA time zone '${name}'`, { reason: 'unknownZone', field: 'zone' });
  }
  const zone = IANAZone.create(name);
  return {
    name: zone.name,
    offsetAt: (instantMs) => zone.offset(instantMs),
    wallToInstant(wallMs) {
      // Two passes settle the offset except inside a DST gap, where the wall time does not exist;
      // there we keep the later offset, which moves the time forward as clocks do.
      const first = wallMs - zone.offset(wallMs) * 60_000;
      const second = wallMs - zone.offset(first) * 60_000;
      return second === first ? first : wallMs - zone.offset(second) * 60_000;
    },
  };
}
