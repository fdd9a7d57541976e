import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../risk/anomaly/metrics';

describe('rocAuc', () => {
  it('perfect, inverted and uninformative rankings', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
  });

  it('a small hand-worked example with a tie', () => {
    // positives 0.8, 0.4; negatives 0.7, 0.4, 0.1.
    // pairs: (0.8>0.7) (0.8>0.4) (0.8>0.1) (0.4<0.7) (0.4=0.4 → ½) (0.4>0.1) → 4.5 / 6
    expect(rocAuc([0.8, 0.7, 0.4, 0.4, 0.1], [true, false, true, false, false])).toBeCloseTo(0.75, 12);
  });

  it('refuses data it cannot rank', () => {
    expect(() => rocAuc([1, 2], [1, 1])).toThrow(/positive and one negative/);
    expect(() => rocAuc([1], [1, 0])).toThrow(/labels/);
    expect(() => rocAuc([NaN, 1], [1, 0])).toThrow(/finite/);
  });
});
