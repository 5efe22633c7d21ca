// The deadlines each tier's limits give for a few assigned issues that arrive around Spring
// Festival and National Day 2026, on the official calendar. Run: npm run demo
import { always, cnMainland, type WorkCalendar } from 'jiaoban/calendar';

interface Clock {
  name: string;
  limit: string;
  /** Computes the deadline from the instant the clock starts. */
  deadline: (start: Date) => Date;
  /** Which earlier deadline the clock starts from ('received' = registration). */
  from: 'received' | 'previous';
}

interface DemoCase {
  title: string;
  tier: 'immediate' | 'general' | 'complex';
  received: string;
  clocks: Clock[];
}

const official: WorkCalendar = cnMainland();
const natural: WorkCalendar = always();

const cases: DemoCase[] = [
  {
    title: '除夕夜 居民楼燃气泄漏 (gas leak, New Year’s Eve)',
    tier: 'immediate',
    received: '2026-02-16T22:40+08:00',
    clocks: [
      { name: 'start handling', limit: '2 h, 24×7', from: 'received', deadline: (s) => natural.addWorkingHours(s, 2) },
      { name: 'first feedback', limit: '24 h, 24×7', from: 'received', deadline: (s) => natural.addWorkingHours(s, 24) },
    ],
  },
  {
    title: '小区路灯不亮 (street lights out), Friday before Spring Festival',
    tier: 'general',
    received: '2026-02-13T16:10+08:00',
    clocks: [
      { name: 'accept', limit: '4 working hours', from: 'received', deadline: (s) => official.addWorkingHours(s, 4) },
      { name: 'conclude', limit: '3 working days, 次日起算', from: 'previous', deadline: (s) => official.addWorkingDays(s, 3) },
    ],
  },
  {
    title: '老旧小区加装电梯 (lifts for old housing), before Mid-Autumn',
    tier: 'complex',
    received: '2026-09-24T10:00+08:00',
    clocks: [
      { name: 'name the lead unit', limit: '1 working day', from: 'received', deadline: (s) => official.addWorkingDays(s, 1) },
      { name: 'solution', limit: '10 working days', from: 'received', deadline: (s) => official.addWorkingDays(s, 10) },
    ],
  },
  {
    title: '企业开办审批咨询 (business licence enquiry), eve of National Day',
    tier: 'general',
    received: '2026-09-30T16:30+08:00',
    clocks: [
      { name: 'accept', limit: '4 working hours', from: 'received', deadline: (s) => official.addWorkingHours(s, 4) },
      { name: 'conclude', limit: '3 working days, 次日起算', from: 'previous', deadline: (s) => official.addWorkingDays(s, 3) },
    ],
  },
];

const local = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function show(instant: Date): string {
  const parts = Object.fromEntries(local.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.weekday} ${parts.hour}:${parts.minute}`;
}

function dayNote(instant: Date): string {
  const day = official.describeDay(instant);
  if (day.kind === 'makeUpWorkday') return `make-up working day (${day.name ?? ''}调休上班)`;
  if (day.kind === 'holiday') return `on a holiday (${day.name ?? ''})`;
  return '';
}

function pad(text: string, width: number): string {
  // CJK characters take two columns in a terminal.
  const columns = [...text].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(0, width - columns));
}

export function main(): void {
  console.log('jiaoban — deadlines on the official calendar (cnMainland, Asia/Shanghai, 09:00–12:00 & 13:30–17:30)\n');
  for (const demoCase of cases) {
    const received = new Date(demoCase.received);
    console.log(`■ ${demoCase.title}`);
    console.log(`  tier ${demoCase.tier}, received ${show(received)}`);
    let previous = received;
    for (const clock of demoCase.clocks) {
      const start = clock.from === 'received' ? received : previous;
      const deadline = clock.deadline(start);
      const from = clock.from === 'received' ? 'from receipt' : 'from the deadline above';
      console.log(`    ${pad(clock.name, 20)} ${pad(clock.limit, 26)} ${pad(from, 24)} → ${show(deadline)}  ${dayNote(deadline)}`);
      previous = deadline;
    }
    console.log('');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
