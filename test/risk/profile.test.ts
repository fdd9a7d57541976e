import { describe, expect, it } from 'vitest';
import { buildProfile, PROFILE_HISTORY_LIMIT } from '../../risk/profile';
import { localDayOfWeek, localHour } from '../../risk/time';
import { txn } from './helpers';

const at = (iso: string, amount: string, city = 'Nairobi', country = 'KE') => ({ occurredAt: iso, amount, city, country });

describe('local time', () => {
  it('reads hours in the bank’s zone from a UTC timestamp', () => {
    expect(localHour('2026-03-01T20:30:00Z', 'Africa/Nairobi')).toBe(23);
    expect(localHour('2026-03-01T21:00:00Z', 'Africa/Nairobi')).toBe(0);
    expect(localHour('2026-03-01T21:00:00Z', 'UTC')).toBe(21);
    expect(localHour('2026-03-01T00:00:00Z', 'UTC')).toBe(0); // h23, never 24
  });
  it('day of week crosses midnight locally', () => {
    // Sunday 1 March 2026, 22:00 UTC → Monday 01:00 in Nairobi
    expect(localDayOfWeek('2026-03-01T22:00:00Z', 'UTC')).toBe(0);
    expect(localDayOfWeek('2026-03-01T22:00:00Z', 'Africa/Nairobi')).toBe(1);
  });
  it('rejects bad input clearly', () => {
    expect(() => localHour('yesterday', 'Africa/Nairobi')).toThrow(/not an ISO 8601/);
    expect(() => localHour('2026-03-01T00:00:00Z', 'Mars/Olympus')).toThrow(/unknown time zone/);
  });
});

describe('buildProfile', () => {
  const now = txn({ occurredAt: '2026-03-02T10:00:00Z', city: 'Mombasa' });

  it('without history', () => {
    expect(buildProfile([], now, 60)).toEqual({ historyCount: 0, medianAmount: null, knownCities: [], homeCity: null, recentCount: 0, knownCountries: [], recentAt: [] });
  });

  it('median, cities by frequency, home city, velocity window', () => {
    const earlier = [
      at('2026-02-20T10:00:00Z', '100', 'Thika'),
      at('2026-03-02T09:00:00Z', '400'), // exactly 60 min before: inside the window
      at('2026-02-21T10:00:00Z', '300'),
      at('2026-03-02T09:30:00Z', '200', 'Thika'),
      at('2026-02-22T10:00:00Z', '1000'),
      at('2026-03-02T08:59:59Z', '250'), // just outside
    ];
    const p = buildProfile(earlier, now, 60);
    expect(p.historyCount).toBe(6);
    expect(p.medianAmount).toBe(275);
    expect(p.knownCities).toEqual(['Nairobi', 'Thika']);
    expect(p.homeCity).toBe('Nairobi');
    expect(p.recentCount).toBe(2);
  });

  it('breaks ties between cities by name, whatever the input order', () => {
    const a = [at('2026-03-01T10:00:00Z', '1', 'Nyeri'), at('2026-03-01T11:00:00Z', '1', 'Meru')];
    expect(buildProfile(a, now, 60).homeCity).toBe('Meru');
    expect(buildProfile([...a].reverse(), now, 60).homeCity).toBe('Meru');
  });

  it('looks at the latest rows only', () => {
    const earlier = Array.from({ length: PROFILE_HISTORY_LIMIT + 50 }, (_, i) =>
      at(new Date(Date.parse('2026-01-01T00:00:00Z') + i * 3_600_000).toISOString(), i < 50 ? '1000000' : '10', i < 50 ? 'Garissa' : 'Nairobi'),
    );
    const p = buildProfile(earlier, now, 60);
    expect(p.historyCount).toBe(PROFILE_HISTORY_LIMIT);
    expect(p.medianAmount).toBe(10);
    expect(p.knownCities).toEqual(['Nairobi']);
  });
});
