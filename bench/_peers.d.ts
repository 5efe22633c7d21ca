// Minimal types for the benchmark's peers that ship none: only what bench/calendar.bench.ts calls.

declare module 'luxon-business-days' {
  import type { DateTime as LuxonDateTime, DateTimeJSOptions } from 'luxon';

  export interface BusinessSetup {
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    businessDays?: number[];
    holidayMatchers?: ((dateTime: LuxonDateTime) => boolean)[];
  }

  export interface BusinessDateTime extends LuxonDateTime {
    /** Sets the business days and holidays globally, for every DateTime. */
    setupBusiness(setup?: BusinessSetup): void;
    plusBusiness(amount?: { days?: number }): BusinessDateTime;
    isBusinessDay(): boolean;
    isHoliday(): boolean;
  }

  export interface BusinessDateTimeStatics {
    fromJSDate(date: Date, options?: DateTimeJSOptions): BusinessDateTime;
    local(): BusinessDateTime;
  }

  // A CommonJS bundle that patches luxon's CommonJS DateTime: from ESM, only its default export is usable.
  const luxonBusinessDays: { DateTime: BusinessDateTimeStatics };
  export default luxonBusinessDays;
}
