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

export function toEpochMs(iso: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`not an ISO 8601 timestamp: "${iso}"`);
  return ms;
}

export function localTime(iso: string, timeZone: string): LocalTime {
  const parts = formatter(timeZone).formatToParts(toEpochMs(iso));
  let hour = NaN;
  let minute = NaN;
  let dayOfWeek = NaN;
  for (const p of parts) {
    if (p.type === 'hour') hour = Number(p.value) % 24; // some ICU versions print 24 at midnight
    else if (p.type === 'minute') minute = Number(p.value);
    else if (p.type === 'weekday') dayOfWeek = WEEKDAYS[p.value] ?? NaN;
  }
  if (!Number.isInteger(hour) || !Number.isInteger(minute) || !Number.isInteger(dayOfWeek)) {
    throw new Error(`could not read the local time of "${iso}" in ${timeZone}`);
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
