// Local wall-clock time of a timestamp in the bank's time zone. Rules such as off-hours apply to
// the transaction's own timestamp read in that zone (the bank's old engine mixed local time and UTC).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch {
      throw new Error(`unknown time zone "${timeZone}"`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export interface LocalTime {
  /** 0..23 */
  hour: number;
  /** 0..59 */
  minute: number;
  /** 0 = Sunday .. 6 = Saturday */
  dayOfWeek: number;
}

// Scoring reads one transaction's timestamp several times (rules, features, profile): the last
// one parsed is remembered.
let lastIso = '';
let lastMs = NaN;

/** Date.parse (NaN when not a timestamp), remembered for the last string asked. */
export function parseInstant(iso: string): number {
  if (iso !== lastIso) {
    lastMs = parseIsoFast(iso);
    if (lastMs !== lastMs) lastMs = Date.parse(iso);
    lastIso = iso;
  }
  return lastMs;
}

/**
 * The common shapes, "2026-11-20T05:00:00Z", "…:00.123Z" and "…:00+03:00", read digit by digit;
 * NaN for anything else (including day 29–31, leap seconds) so that Date.parse decides. Date.parse
 * was a tenth of the time of scoring one transaction.
 */
function parseIsoFast(s: string): number {
  const n = s.length;
  if (n < 20 || n > 29) return NaN;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (!(year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59)) return NaN;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    ms = digits(s, i + 1, 3);
    if (!(ms >= 0)) return NaN;
    i += 4;
  }
  let offset = 0;
  const z = s.charCodeAt(i);
  if (z === 90) {
    i += 1;
  } else if (z === 43 || z === 45) {
    if (s.charCodeAt(i + 3) !== 58) return NaN;
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (!(oh <= 23 && om <= 59)) return NaN;
    offset = (z === 43 ? 1 : -1) * (oh * 60 + om);
    i += 6;
  } else {
    return NaN;
  }
  if (i !== n) return NaN;
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms - offset * 60_000;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil), year ≥ 0:
 * the same integer Date.UTC works out, without the call into the runtime.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The decimal number in s[from, from + count), or NaN when a character is not a digit. */
function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return NaN;
    v = v * 10 + d;
  }
  return v;
}

export function toEpochMs(iso: string): number {
  const ms = parseInstant(iso);
  if (!Number.isFinite(ms)) throw new Error(`not an ISO 8601 timestamp: "${iso}"`);
  return ms;
}

// Intl's formatToParts is the slowest step of scoring, so the zone's UTC offset is remembered per
// UTC hour: when the offset at an hour's first and last millisecond agree, no transition falls
// inside it and the wall-clock time is plain arithmetic. An hour holding a transition (or one
// whose offset is not whole minutes) is answered by Intl every time.
const HOUR_MS = 3_600_000;
const OFFSET_CACHE_LIMIT = 50_000;
const offsets = new Map<string, Map<number, number | null>>();
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetMinutes(timeZone: string, ms: number): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    formatter(timeZone); // validates the zone with a clear error
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormatters.set(timeZone, f);
  }
  const v: Record<string, number> = {};
  for (const p of f.formatToParts(ms)) if (p.type !== 'literal') v[p.type] = Number(p.value);
  const wall = Date.UTC(v.year!, v.month! - 1, v.day!, v.hour! % 24, v.minute!, v.second!);
  return (wall - (ms - (ms % 1000))) / 60_000;
}

// the hour asked last, and its answer: a transaction and its customer's recent ones share hours
let lastZone = '';
let lastHour = NaN;
let lastOffset: number | null = null;

function cachedOffset(timeZone: string, ms: number): number | null {
  const hour = Math.floor(ms / HOUR_MS);
  if (hour === lastHour && timeZone === lastZone) return lastOffset;
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  let offset = zone.get(hour);
  if (offset === undefined) {
    const start = offsetMinutes(timeZone, hour * HOUR_MS);
    const end = offsetMinutes(timeZone, hour * HOUR_MS + HOUR_MS - 1000);
    offset = start === end && Number.isInteger(start) ? start : null;
    if (zone.size >= OFFSET_CACHE_LIMIT) zone.clear();
    zone.set(hour, offset);
  }
  lastZone = timeZone;
  lastHour = hour;
  lastOffset = offset;
  return offset;
}

// Scoring asks the local time of one transaction from several rules and the features: the last
// answer is remembered (frozen, as it is shared).
let lastLocalIso = '';
let lastLocalZone = '';
let lastLocal: LocalTime | null = null;

export function localTime(iso: string, timeZone: string): LocalTime {
  if (iso === lastLocalIso && timeZone === lastLocalZone && lastLocal !== null) return lastLocal;
  const t = Object.freeze(localTimeAt(toEpochMs(iso), timeZone));
  lastLocalIso = iso;
  lastLocalZone = timeZone;
  lastLocal = t;
  return t;
}

/** Local time of an instant given as epoch milliseconds. */
export function localTimeAt(ms: number, timeZone: string): LocalTime {
  const offset = cachedOffset(timeZone, ms);
  if (offset !== null) {
    const wall = ms + offset * 60_000;
    const minuteOfDay = Math.floor((((wall % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
    const day = Math.floor(wall / 86_400_000);
    return { hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60, dayOfWeek: (((day + 4) % 7) + 7) % 7 }; // 1970-01-01 was a Thursday
  }
  return localTimeByIntl(ms, timeZone);
}

function localTimeByIntl(ms: number, timeZone: string): LocalTime {
  const parts = formatter(timeZone).formatToParts(ms);
  let hour = NaN;
  let minute = NaN;
  let dayOfWeek = NaN;
  for (const p of parts) {
    if (p.type === 'hour') hour = Number(p.value) % 24; // some ICU versions print 24 at midnight
    else if (p.type === 'minute') minute = Number(p.value);
    else if (p.type === 'weekday') dayOfWeek = WEEKDAYS[p.value] ?? NaN;
  }
  if (!Number.isInteger(hour) || !Number.isInteger(minute) || !Number.isInteger(dayOfWeek)) {
    throw new Error(`could not read the local time of ${new Date(ms).toISOString()} in ${timeZone}`);
  }
  return { hour, minute, dayOfWeek };
}

/** Hour 0..23 of the timestamp's wall-clock time in `timeZone`. */
export function localHour(iso: string, timeZone: string): number {
  return localTime(iso, timeZone).hour;
}

/** Day of week of the timestamp in `timeZone`: 0 = Sunday .. 6 = Saturday. */
export function localDayOfWeek(iso: string, timeZone: string): number {
  return localTime(iso, timeZone).dayOfWeek;
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of the timestamp in `timeZone`: the day whose FX rate applies. */
export function localDate(iso: string, timeZone: string): string {
  localTime(iso, timeZone); // validates the timestamp and the zone with a clear message
  let f = dateFormatters.get(timeZone);
  if (!f) dateFormatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(toEpochMs(iso));
}
