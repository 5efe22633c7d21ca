import { z } from 'zod';

// The zod schemas below are the single source of truth for what a calendar accepts; the option
// types are inferred from them. Structural checks (a real date, a real zone, intervals that do not
// overlap, day lists that do not contradict each other) happen in create-calendar.ts, which turns
// every problem into a `CALENDAR_CONFIG` error.

/** 'HH:MM-HH:MM' in the calendar's zone; `24:00` is allowed as an end. */
export const IntervalSpecSchema = z
  .string()
  .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, "expected 'HH:MM-HH:MM', for example '09:00-12:00'");

/** The working intervals of one day, for example `['09:00-12:00', '13:30-17:30']`. */
export const DayHoursSchema = z.array(IntervalSpecSchema);

/** A calendar date 'YYYY-MM-DD' in the calendar's zone. */
export const DayKeySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date 'YYYY-MM-DD'");

export const WeeklyHoursSchema = z
  .object({
    mon: DayHoursSchema,
    tue: DayHoursSchema,
    wed: DayHoursSchema,
    thu: DayHoursSchema,
    fri: DayHoursSchema,
    sat: DayHoursSchema,
    sun: DayHoursSchema,
  })
  .partial()
  .strict();

const NamedDaySchema = z.union([DayKeySchema, z.object({ date: DayKeySchema, name: z.string().optional() }).strict()]);

const ExtraWorkingDaySchema = z.union([
  DayKeySchema,
  z.object({ date: DayKeySchema, name: z.string().optional(), hours: DayHoursSchema.optional() }).strict(),
]);

const SpecialHoursSchema = z.object({ date: DayKeySchema, hours: DayHoursSchema, name: z.string().optional() }).strict();

const ClosureSchema = z.object({ from: DayKeySchema, to: DayKeySchema, reason: z.string().optional() }).strict();

/**
 * Adjustments one layer adds on top of what it inherits: the national calendar adds nothing here,
 * a province adds its own days, a unit adds its closures. Within one layer a date may appear in one
 * list only; a derived layer overrides its base.
 */
export const CalendarOverridesSchema = z
  .object({
    /** A name for messages and reports, e.g. 'unit.chengguan'. */
    id: z.string().min(1).optional(),
    /** Replaces the weekly working hours for this layer and every layer derived from it. */
    weeklyHours: WeeklyHoursSchema.optional(),
    /** Hours of an extra working day that does not give its own (default: the first weekday with hours). */
    workdayHours: DayHoursSchema.optional(),
    /** Extra days off (a local holiday, a day the State Council adds late). */
    daysOff: z.array(NamedDaySchema).optional(),
    /** Extra working days, such as China's make-up working days (调休上班). */
    workingDays: z.array(ExtraWorkingDaySchema).optional(),
    /** Dates with their own hours (half-days). */
    specialHours: z.array(SpecialHoursSchema).optional(),
    /** Inclusive date ranges with no working time, e.g. a unit closed for relocation. */
    closures: z.array(ClosureSchema).optional(),
  })
  .strict();

const OfficialBreakSchema = z
  .object({
    name: z.string().min(1),
    nameEn: z.string().min(1),
    from: DayKeySchema,
    to: DayKeySchema,
    workdays: z.array(DayKeySchema),
  })
  .strict();

/** One annual holiday notice, in the shape of the bundled State Council dataset. */
export const OfficialNoticeSchema = z
  .object({
    year: z.number().int().min(1949).max(2200),
    notice: z.string().min(1),
    title: z.string().min(1),
    issued: DayKeySchema,
    breaks: z.array(OfficialBreakSchema).min(1),
  })
  .strict();

export const CalendarOptionsSchema = CalendarOverridesSchema.extend({
  /** IANA time zone every date and hour of this calendar is read in. */
  zone: z.string().min(1).optional(),
  /** Public holidays from date-holidays, by country and optional state/region. */
  holidays: z
    .object({
      country: z.string().min(2),
      state: z.string().optional(),
      region: z.string().optional(),
      /** date-holidays types that count as days off (default `['public']`). */
      types: z.array(z.enum(['public', 'bank', 'school', 'optional', 'observance'])).optional(),
    })
    .strict()
    .optional(),
  /** Official holiday notices (breaks and make-up working days), keyed by calendar date. */
  notices: z.array(OfficialNoticeSchema).optional(),
  /** Years the calendar vouches for; outside them a date is a `CALENDAR_RANGE` error. */
  coverage: z
    .object({ from: z.number().int().min(1900).max(2200), to: z.number().int().min(1900).max(2200) })
    .strict()
    .optional(),
  /** What to do for a date outside `coverage`: raise (default) or assume the plain weekly hours. */
  outOfRange: z.enum(['error', 'weekdays']).optional(),
}).strict();

export type IntervalSpec = z.infer<typeof IntervalSpecSchema>;
export type DayHours = z.infer<typeof DayHoursSchema>;
export type WeeklyHours = z.infer<typeof WeeklyHoursSchema>;
export type CalendarOverrides = z.infer<typeof CalendarOverridesSchema>;
export type CalendarOptions = z.infer<typeof CalendarOptionsSchema>;
export type OfficialNoticeInput = z.infer<typeof OfficialNoticeSchema>;
