import { describe, expect, it } from 'vitest';
import { localTime, toEpochMs } from '../../risk/time';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** What Intl says, the slow way: the reference for the cached-offset arithmetic. */
function intlLocalTime(ms: number, timeZone: string) {
  const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' });
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return { hour: Number(p.hour) % 24, minute: Number(p.minute), dayOfWeek: WEEKDAYS.indexOf(p.weekday!) };
}

describe('localTime', () => {
  it('agrees with Intl around daylight-saving transitions and in zones with odd offsets', () => {
    const cases: Array<[string, number]> = [
      ['Europe/London', Date.UTC(2026, 2, 29, 0)], // spring forward at 01:00 UTC
      ['Europe/London', Date.UTC(2026, 9, 25, 0)], // fall back
      ['America/New_York', Date.UTC(2026, 2, 8, 5)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 13)], // a 30-minute shift
      ['Asia/Kathmandu', Date.UTC(2026, 0, 1, 0)], // +05:45
      ['Africa/Nairobi', Date.UTC(2026, 10, 20, 20)],
    ];
    for (const [zone, from] of cases) {
      for (let ms = from; ms < from + 4 * 3_600_000; ms += 7 * 60_000 + 13_000) {
        expect(localTime(new Date(ms).toISOString(), zone), `${zone} ${new Date(ms).toISOString()}`).toEqual(intlLocalTime(ms, zone));
      }
    }
  });

  it('names a bad zone or timestamp', () => {
    expect(() => localTime('2026-11-20T10:00:00Z', 'Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => localTime('yesterday', 'Africa/Nairobi')).toThrow(/not an ISO 8601 timestamp/);
  });
});

describe('toEpochMs', () => {
  it('reads the common timestamp shapes digit by digit exactly as Date.parse does, and leaves the rest to it', () => {
    const texts: string[] = [];
    for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 37 * 86_400_000 + 3_601_234) {
      const iso = new Date(ms).toISOString();
      texts.push(iso, iso.replace(/\.\d{3}Z$/, 'Z'), iso.replace('Z', '+03:00'), iso.replace(/\.\d{3}Z$/, '-05:30'));
    }
    texts.push(
      '2026-02-29T10:00:00Z', // not a date: Date.parse says so
      '2024-02-29T10:00:00Z',
      '2026-11-31T10:00:00Z',
      '2026-13-01T10:00:00Z',
      '2026-11-20T24:00:00Z',
      '2026-11-20T10:60:00Z',
      '0050-01-01T00:00:00Z', // Date.UTC would read year 50 as 1950
      '2026-11-20T10:00:00.1Z',
      '2026-11-20T10:00:00.123456Z',
      '2026-11-20T10:00:00',
      '2026-11-20',
      '2026-11-20T10:00:00+0300',
      '2026-11-20T10:00:00+03:0x',
      '2026-1x-20T10:00:00Z',
      ' 2026-11-20T10:00:00Z',
    );
    for (const text of texts) {
      const expected = Date.parse(text);
      if (Number.isFinite(expected)) expect(toEpochMs(text), text).toBe(expected);
      else expect(() => toEpochMs(text), text).toThrow(/not an ISO 8601 timestamp/);
    }
  });

  it('works the day number out as Date.parse does for every month of years 1000–9999 (leap years, centuries)', () => {
    // the fast path counts days itself (no Date.UTC): every year, every month, days 1 and 28,
    // a time of day and an offset that move the instant across the date line
    for (let year = 1000; year <= 9999; year++) {
      for (let month = 1; month <= 12; month++) {
        const day = year % 2 === 0 ? '01' : '28';
        const text = `${year}-${String(month).padStart(2, '0')}-${day}T${String(year % 24).padStart(2, '0')}:59:58.${String(year % 1000).padStart(3, '0')}${month % 3 === 0 ? '-11:45' : month % 3 === 1 ? '+14:00' : 'Z'}`;
        const got = toEpochMs(text);
        if (got !== Date.parse(text)) expect(got, text).toBe(Date.parse(text));
      }
    }
  });
});
