/**
 * How fast `addWorkingDays` / `addWorkingHours` are on the official calendar, next to the libraries a
 * Chinese OA project would otherwise reach for, and how often each of those agrees with ours.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import chineseDays from 'chinese-days';
import { addBusinessDays } from 'date-fns';
import dayjs, { type BusinessHours } from 'dayjs';
import businessTime from 'dayjs-business-time';
import luxonBusinessDays from 'luxon-business-days';
import moment from 'moment-business-days';
import { cnMainland } from '../src/calendar/index.js';
import { measureThroughput, type Batch, type Throughput } from './_measure.js';
import { integerBetween, mulberry32, uniform } from './_random.js';
import { referenceAddWorkingDays, referenceAddWorkingHours } from './_reference-calendar.js';
import { formatCount, formatPercent, markdownTable } from './_report.js';

export const name = 'calendar';
export const title = 'Calendar: working-day and working-hour deadlines';

// ---------------------------------------------------------------------------------------------
// Workload

const CASES = 100_000;
const SEED = 0x6a6f6261; // "joba"
const FIRST_INSTANT = Date.parse('2024-01-01T00:00:00+08:00');
const END_INSTANT = Date.parse('2026-11-01T00:00:00+08:00'); // exclusive: the last day drawn is 2026-10-31
const MAX_DAYS = 30;
const MAX_HOURS = 40;
const REFERENCE_STRIDE = 20; // every 20th case: 5,000 cases checked against the slow reference
const TARGET_OPS = 10_000_000;

interface Workload {
  readonly starts: readonly Date[];
  readonly days: Uint8Array;
  readonly hours: Uint8Array;
}

function makeWorkload(): Workload {
  const next = mulberry32(SEED);
  const starts: Date[] = [];
  const days = new Uint8Array(CASES);
  const hours = new Uint8Array(CASES);
  for (let i = 0; i < CASES; i++) {
    starts.push(new Date(FIRST_INSTANT + Math.floor(uniform(next) * (END_INSTANT - FIRST_INSTANT))));
    days[i] = integerBetween(next, 1, MAX_DAYS);
    hours[i] = integerBetween(next, 1, MAX_HOURS);
  }
  return { starts, days, hours };
}

// ---------------------------------------------------------------------------------------------
// The official holiday list, 2024–2026, as the peers are given it

const require = createRequire(import.meta.url);
const officialDays = require('chinese-days/dist/chinese-days.json') as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};
const inYears = (date: string): boolean => date >= '2024-01-01' && date <= '2026-12-31';
const HOLIDAYS = Object.keys(officialDays.holidays).filter(inYears).sort();
const MAKE_UP_DAYS = Object.keys(officialDays.workdays).filter(inYears).sort();

/** 20260101 for 2026-01-01: the cheapest key a hand-written holiday lookup would use. */
const dayNumber = (year: number, month: number, day: number): number => year * 10_000 + month * 100 + day;
const HOLIDAY_NUMBERS = new Set(HOLIDAYS.map((d) => Number(d.replaceAll('-', ''))));

// ---------------------------------------------------------------------------------------------
// Ours

const ours = cnMainland();

// ---------------------------------------------------------------------------------------------
// Peers, each configured as fully as its API allows. Every one takes a Date and returns a Date.

type AddFn = (start: Date, amount: number) => Date;

interface Peer {
  readonly label: string;
  readonly addWorkingDays?: AddFn;
  readonly addWorkingHours?: AddFn;
  /** Cases timed and compared: a prefix of the workload, since the peers are too slow for all of it. */
  readonly cases: number;
  readonly daysNote: string;
  readonly hoursNote?: string;
}

function configurePeers(): Peer[] {
  moment.updateLocale('en', {
    holidays: HOLIDAYS,
    holidayFormat: 'YYYY-MM-DD',
    workingWeekdays: [1, 2, 3, 4, 5],
  });

  const { DateTime } = luxonBusinessDays;
  DateTime.local().setupBusiness({
    businessDays: [1, 2, 3, 4, 5],
    holidayMatchers: [(dt) => HOLIDAY_NUMBERS.has(dayNumber(dt.year, dt.month, dt.day))],
  });

  dayjs.extend(businessTime);
  dayjs.setHolidays(HOLIDAYS);
  const hours: BusinessHours[] = [
    { start: '09:00:00', end: '12:00:00' },
    { start: '13:30:00', end: '17:30:00' },
  ];
  dayjs.setBusinessTime({
    monday: hours,
    tuesday: hours,
    wednesday: hours,
    thursday: hours,
    friday: hours,
    saturday: null,
    sunday: null,
  });

  return [
    {
      label: 'chinese-days `findWorkday`',
      // Returns 'YYYY-MM-DD'; a host needs a Date, so the string becomes midnight +08:00 inside the call.
      addWorkingDays: (start, n) => new Date(`${chineseDays.findWorkday(n, start)}T00:00:00+08:00`),
      cases: 10_000,
      daysNote: 'built-in official calendar with make-up days; returns a date string, parsed to a Date in the call',
    },
    {
      label: 'date-fns `addBusinessDays` + holiday loop',
      addWorkingDays: (start, n) => {
        let date = start;
        for (let left = n; left > 0; ) {
          date = addBusinessDays(date, 1);
          if (!HOLIDAY_NUMBERS.has(dayNumber(date.getFullYear(), date.getMonth() + 1, date.getDate()))) left--;
        }
        return date;
      },
      cases: 10_000,
      daysNote: 'holidays skipped one day at a time; cannot express make-up days (Sat/Sun always off)',
    },
    {
      label: 'moment-business-days `businessAdd`',
      addWorkingDays: (start, n) => moment(start).businessAdd(n).toDate(),
      cases: 10_000,
      daysNote: '`holidays` + `workingWeekdays` Mon–Fri; cannot express make-up days',
    },
    {
      label: 'luxon-business-days `plusBusiness`',
      addWorkingDays: (start, n) =>
        DateTime.fromJSDate(start, { zone: 'Asia/Shanghai' }).plusBusiness({ days: n }).toJSDate(),
      cases: 10_000,
      daysNote: '`businessDays` Mon–Fri + a holiday matcher (Set lookup), zone Asia/Shanghai; cannot express make-up days',
    },
    {
      label: 'dayjs-business-time',
      addWorkingDays: (start, n) => dayjs(start).addBusinessDays(n).toDate(),
      addWorkingHours: (start, h) => dayjs(start).addBusinessHours(h).toDate(),
      cases: 10_000,
      daysNote: '`setHolidays` + Mon–Fri hours; cannot express make-up days',
      hoursNote:
        '`setBusinessTime` 09:00–12:00, 13:30–17:30 Mon–Fri + `setHolidays`; cannot express make-up days; ' +
        'counts whole minutes, so a start with seconds ends on the next whole minute',
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Helpers

const DAY = 86_400_000;
const SHANGHAI_OFFSET = 8 * 3_600_000; // no DST in China since 1991

const shanghaiDay = (ms: number): number => Math.floor((ms + SHANGHAI_OFFSET) / DAY);

const MAKE_UP_DAY_NUMBERS = MAKE_UP_DAYS.map((d) => shanghaiDay(Date.parse(`${d}T12:00:00+08:00`)));

/** Whether a make-up working day lies after the date of `from` and on or before the date of `to`. */
const spansMakeUpDay = (from: number, to: number): boolean => {
  const first = shanghaiDay(from);
  const last = shanghaiDay(to);
  return MAKE_UP_DAY_NUMBERS.some((d) => d > first && d <= last);
};

const shanghaiIso = (ms: number): string =>
  new Date(ms + SHANGHAI_OFFSET).toISOString().replace('Z', '+08:00').replace('T', ' ');

/** Runs `fn` with the host zone set to `zone`, restoring the previous one afterwards. */
function inHostZone<T>(zone: string, fn: () => T): T {
  const previous = process.env.TZ;
  process.env.TZ = zone;
  try {
    return fn();
  } finally {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  }
}

function log(message: string): void {
  console.log(`  ${message}`);
}

function ratio(oursOps: number, peerOps: number): string {
  const r = oursOps / peerOps;
  return `${r >= 100 ? formatCount(r) : r.toFixed(r >= 10 ? 0 : 1)}×`;
}

function opsCell(t: Throughput): string {
  return `${formatCount(t.opsPerSecond)} ± ${t.rme.toFixed(1)}%`;
}

// ---------------------------------------------------------------------------------------------
// Correctness of ours against the slow reference

interface Mismatch {
  readonly kind: 'days' | 'hours';
  readonly zone: string;
  readonly start: Date;
  readonly amount: number;
  readonly ours: number;
  readonly reference: number;
}

interface ReferenceCheck {
  readonly checked: number;
  readonly zones: readonly string[];
  readonly daysAgree: number;
  readonly hoursAgree: number;
  readonly mismatches: readonly Mismatch[];
}

function checkAgainstReference(w: Workload): ReferenceCheck {
  const indices: number[] = [];
  for (let i = 0; i < CASES; i += REFERENCE_STRIDE) indices.push(i);
  const expectedDays = indices.map((i) => referenceAddWorkingDays(w.starts[i]!, w.days[i]!).getTime());
  const expectedHours = indices.map((i) => referenceAddWorkingHours(w.starts[i]!, w.hours[i]!).getTime());

  // Ours must not read the host zone: check it under Shanghai and under a zone far from it, with DST.
  const zones = ['Asia/Shanghai', 'America/New_York'];
  const mismatches: Mismatch[] = [];
  let daysAgree = 0;
  let hoursAgree = 0;
  for (const zone of zones) {
    inHostZone(zone, () => {
      indices.forEach((i, k) => {
        const start = w.starts[i]!;
        const days = ours.addWorkingDays(start, w.days[i]!).getTime();
        const hours = ours.addWorkingHours(start, w.hours[i]!).getTime();
        if (days === expectedDays[k]) daysAgree++;
        else mismatches.push({ kind: 'days', zone, start, amount: w.days[i]!, ours: days, reference: expectedDays[k]! });
        if (hours === expectedHours[k]) hoursAgree++;
        else mismatches.push({ kind: 'hours', zone, start, amount: w.hours[i]!, ours: hours, reference: expectedHours[k]! });
      });
    });
  }
  return { checked: indices.length * zones.length, zones, daysAgree, hoursAgree, mismatches };
}

function reportMismatches(check: ReferenceCheck): void {
  if (check.mismatches.length === 0) return;
  const bar = '!'.repeat(100);
  console.error(`\n${bar}`);
  console.error(`  OUR CALENDAR DISAGREES WITH THE OFFICIAL-CALENDAR REFERENCE in ${check.mismatches.length} of ${2 * check.checked} checks.`);
  console.error('  This is a bug in src/calendar (or in bench/_reference-calendar.ts); first mismatches:');
  for (const m of check.mismatches.slice(0, 12)) {
    console.error(
      `  ${m.kind.padEnd(5)} host TZ ${m.zone.padEnd(16)} start ${shanghaiIso(m.start.getTime())} + ${String(m.amount).padStart(2)}` +
        `  ours ${shanghaiIso(m.ours)}  reference ${shanghaiIso(m.reference)}`,
    );
  }
  console.error(`${bar}\n`);
  process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------
// The run

export async function run(): Promise<string> {
  log(`workload: ${CASES.toLocaleString('en-US')} cases, seed 0x${SEED.toString(16)}`);
  const w = makeWorkload();

  log(`checking ours against the slow reference on ${(CASES / REFERENCE_STRIDE).toLocaleString('en-US')} cases…`);
  const check = checkAgainstReference(w);
  reportMismatches(check);

  // chinese-days, date-fns, moment and dayjs read a Date's fields in the host zone; a server in China
  // runs with Asia/Shanghai, and it is the only zone in which they can give Chinese answers.
  return inHostZone('Asia/Shanghai', () => measureAll(w, check));
}

function measureAll(w: Workload, check: ReferenceCheck): string {
  const { starts, days, hours } = w;
  const peers = configurePeers();

  log('computing our results for every case…');
  const oursDays = new Float64Array(CASES);
  const oursHours = new Float64Array(CASES);
  for (let i = 0; i < CASES; i++) {
    oursDays[i] = ours.addWorkingDays(starts[i]!, days[i]!).getTime();
    oursHours[i] = ours.addWorkingHours(starts[i]!, hours[i]!).getTime();
  }

  // Our loops are written out rather than going through a shared `AddFn` loop, which would make the
  // call site megamorphic; the peers run through one generic loop, where a few ns do not show.
  const oursDaysBatch: Batch = (from, count) => {
    let sum = 0;
    for (let i = from, end = from + count; i < end; i++) sum += ours.addWorkingDays(starts[i]!, days[i]!).getTime();
    return sum;
  };
  const oursHoursBatch: Batch = (from, count) => {
    let sum = 0;
    for (let i = from, end = from + count; i < end; i++) sum += ours.addWorkingHours(starts[i]!, hours[i]!).getTime();
    return sum;
  };
  const peerBatch =
    (fn: AddFn, amounts: Uint8Array): Batch =>
    (from, count) => {
      let sum = 0;
      for (let i = from, end = from + count; i < end; i++) sum += fn(starts[i]!, amounts[i]!).getTime();
      return sum;
    };

  interface Agreement {
    readonly agree: number;
    /** Cases that disagree and whose span contains a make-up working day the peer cannot know about. */
    readonly missesOnMakeUpDays: number;
    /** Cases whose result is less than a minute from ours (hours only). */
    readonly withinAMinute: number;
  }
  const compare = (fn: AddFn, amounts: Uint8Array, cases: number, oursResults: Float64Array, kind: 'days' | 'hours'): Agreement => {
    let agree = 0;
    let missesOnMakeUpDays = 0;
    let withinAMinute = 0;
    for (let i = 0; i < cases; i++) {
      const start = starts[i]!.getTime();
      const expected = oursResults[i]!;
      let result: number;
      try {
        result = fn(starts[i]!, amounts[i]!).getTime();
      } catch {
        result = Number.NaN;
      }
      // Days: the peers return a date (midnight) or keep the start's time of day, ours returns 17:30
      // of the deadline date, so only the date in Asia/Shanghai is compared. Hours: the same instant.
      const same = kind === 'days' ? shanghaiDay(result) === shanghaiDay(expected) : result === expected;
      if (same) agree++;
      else if (spansMakeUpDay(start, Math.max(expected, Number.isNaN(result) ? expected : result))) missesOnMakeUpDays++;
      if (Math.abs(result - expected) < 60_000) withinAMinute++;
    }
    return { agree, missesOnMakeUpDays, withinAMinute };
  };
  const missNote = (a: Agreement, cases: number): string =>
    a.agree === cases ? '' : `; ${formatPercent(a.missesOnMakeUpDays, cases - a.agree)} of misses span a make-up day`;

  log('timing ours…');
  const oursDaysOps = measureThroughput('ours days', oursDaysBatch, { cases: CASES, time: 3000 });
  log(`  addWorkingDays  ${formatCount(oursDaysOps.opsPerSecond)} ops/s (batches of ${oursDaysOps.batchSize})`);
  const oursHoursOps = measureThroughput('ours hours', oursHoursBatch, { cases: CASES, time: 3000 });
  log(`  addWorkingHours ${formatCount(oursHoursOps.opsPerSecond)} ops/s (batches of ${oursHoursOps.batchSize})`);

  const daysRows: string[][] = [
    ['**jiaoban** `addWorkingDays`', `**${opsCell(oursDaysOps)}**`, '1×', '—', `all ${CASES.toLocaleString('en-US')} cases; official calendar with make-up days; returns 17:30 of the deadline date`],
  ];
  const hoursRows: string[][] = [
    ['**jiaoban** `addWorkingHours`', `**${opsCell(oursHoursOps)}**`, '1×', '—', `all ${CASES.toLocaleString('en-US')} cases; official calendar with make-up days`],
  ];

  for (const peer of peers) {
    const subsample = `first ${peer.cases.toLocaleString('en-US')} cases`;
    if (peer.addWorkingDays !== undefined) {
      log(`timing ${peer.label} (days)…`);
      const t = measureThroughput(`${peer.label} days`, peerBatch(peer.addWorkingDays, days), { cases: peer.cases, time: 1000 });
      const a = compare(peer.addWorkingDays, days, peer.cases, oursDays, 'days');
      log(`  ${formatCount(t.opsPerSecond)} ops/s, agrees with ours on ${formatPercent(a.agree, peer.cases)}`);
      daysRows.push([
        peer.label,
        opsCell(t),
        ratio(oursDaysOps.opsPerSecond, t.opsPerSecond),
        formatPercent(a.agree, peer.cases),
        `${subsample}; ${peer.daysNote}${missNote(a, peer.cases)}`,
      ]);
    }
    if (peer.addWorkingHours !== undefined) {
      log(`timing ${peer.label} (hours)…`);
      const t = measureThroughput(`${peer.label} hours`, peerBatch(peer.addWorkingHours, hours), { cases: peer.cases, time: 1000 });
      const a = compare(peer.addWorkingHours, hours, peer.cases, oursHours, 'hours');
      log(`  ${formatCount(t.opsPerSecond)} ops/s, agrees with ours on ${formatPercent(a.agree, peer.cases)}`);
      hoursRows.push([
        peer.label,
        opsCell(t),
        ratio(oursHoursOps.opsPerSecond, t.opsPerSecond),
        formatPercent(a.agree, peer.cases),
        `${subsample}; ${peer.hoursNote ?? ''}; within a minute of ours: ${formatPercent(a.withinAMinute, peer.cases)}${missNote(a, peer.cases)}`,
      ]);
    }
  }

  const headers = ['library', 'ops/s', 'ours / peer', 'agreement with ours', 'notes'];
  const align = ['left', 'right', 'right', 'right', 'left'] as const;
  const withoutHours = peers.filter((p) => p.addWorkingHours === undefined).map((p) => p.label.split(' ')[0]);
  const met = oursDaysOps.opsPerSecond >= TARGET_OPS && oursHoursOps.opsPerSecond >= TARGET_OPS;
  const checks = check.checked;

  return `
Workload: ${CASES.toLocaleString('en-US')} start instants drawn uniformly (to the millisecond) from 2024-01-01 00:00 to
2026-10-31 24:00 Asia/Shanghai with mulberry32, seed \`0x${SEED.toString(16)}\`; each case has N uniform in 1–${MAX_DAYS}
working days and, separately, 1–${MAX_HOURS} working hours. Every call takes a \`Date\` and returns a \`Date\`:
a library with its own date type converts in and out inside the timed call, because that is what a
host holding a \`Date\` pays. Peers get the official holiday list for 2024–2026 (${HOLIDAYS.length} dates, from
chinese-days) and, where their API can say it, the ${MAKE_UP_DAYS.length} make-up working days (调休上班).

### Working days

${markdownTable(headers, daysRows, align)}

Agreement for days is judged on the calendar date only: the share of cases whose result falls on the
same date in Asia/Shanghai as ours. The conventions differ otherwise (chinese-days returns a date,
read here as its midnight +08:00; date-fns, moment, luxon and dayjs keep the start's time of day;
ours returns 17:30, the end of the deadline day). Every library counts from the day after the start
(次日起算), so a peer can only disagree where its calendar does; the notes give the share of its misses
whose span contains a make-up working day, which a peer without make-up days counts as a day off.

### Working hours

${markdownTable(headers, hoursRows, align)}

Agreement for hours is the share of cases with the identical instant, to the millisecond; the notes
also give the share within a minute of ours.
${withoutHours.slice(0, -1).join(', ')} and ${withoutHours.at(-1)} have no working-hours API, so no row here.

**Target:** ≥ ${formatCount(TARGET_OPS)} ops/s for both, \`Date\` in and \`Date\` out — **${met ? 'met' : 'not met'}**
(days ${formatCount(oursDaysOps.opsPerSecond)}, hours ${formatCount(oursHoursOps.opsPerSecond)} ops/s).

### Agreement with the official calendar

Ours against an independent slow reference (bench/_reference-calendar.ts: day kinds from chinese-days'
\`isWorkday\`, then a day-by-day walk for days and a minute-by-minute walk over 09:00–12:00 and
13:30–17:30 for hours, all in fixed +08:00), on every ${REFERENCE_STRIDE}th case (${(checks / check.zones.length).toLocaleString('en-US')} cases),
each run once with the host zone set to ${check.zones.join(' and ')} (ours must not read it), exact
to the millisecond: **days ${formatPercent(check.daysAgree, checks)}, hours ${formatPercent(check.hoursAgree, checks)}**.

### How this was measured

tinybench ${TINYBENCH_VERSION}, one task per row, run one after another in one Node process. A timed sample is one
loop over a batch of consecutive cases sized to take about 2 ms (after a calibration run that also warms
the code up); the batch's time divided by its size is the sample tinybench records, so ops/s counts
single deadline computations: 1000 / the mean of those per-call times. The ± is tinybench's 95% relative
margin of error of that mean. Ours is timed for 3 s per operation over all ${CASES.toLocaleString('en-US')} cases; the peers,
being far slower, for 1 s each over the prefix of the workload named in their row, on which their
agreement is also computed. Every result's \`getTime()\` is summed into a checksum so no work can be discarded. The peers
that read the host zone (chinese-days, date-fns, moment, dayjs) run with \`TZ=Asia/Shanghai\`, as a server
in China would; luxon is given the zone explicitly; ours ignores the host zone.
`;
}

const TINYBENCH_VERSION = (
  JSON.parse(readFileSync(new URL('../node_modules/tinybench/package.json', import.meta.url), 'utf8')) as { version: string }
).version;
