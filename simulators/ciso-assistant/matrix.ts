// The stored library the stand-in offers: CISO Assistant's "critical risk matrix 5x5"
// (urn:intuitem:risk:library:critical_risk_matrix_5x5, version 3), its levels and grid as in
// backend/library/libraries/critical_risk_matrix_5x5.yaml (translations left out).

export interface MatrixLevel {
  abbreviation: string;
  name: string;
  description: string;
  hexcolor: string;
}

export interface StoredLibraryDefinition {
  urn: string;
  ref_id: string;
  name: string;
  description: string;
  version: number;
  provider: string;
  packager: string;
  locale: string;
  matrix: {
    urn: string;
    ref_id: string;
    name: string;
    description: string;
    probability: MatrixLevel[];
    impact: MatrixLevel[];
    risk: MatrixLevel[];
    /** grid[probability][impact] → risk index */
    grid: number[][];
  };
}

const COLORS = ['#BBF7D0', '#BEF264', '#FEF08A', '#FBBF24', '#F87171'];
const NAMES = ['Very Low', 'Low', 'Medium', 'High', 'Very High'];
const ABBREVIATIONS = ['VL', 'L', 'M', 'H', 'VH'];

const levels = (descriptions: string[]): MatrixLevel[] =>
  descriptions.map((description, i) => ({ abbreviation: ABBREVIATIONS[i]!, name: NAMES[i]!, description, hexcolor: COLORS[i]! }));

export const CRITICAL_5X5_LIBRARY: StoredLibraryDefinition = {
  urn: 'urn:intuitem:risk:library:critical_risk_matrix_5x5',
  ref_id: 'critical_5x5',
  name: 'Critical risk matrix 5x5',
  description: 'Critical risk matrix 5x5',
  version: 3,
  provider: 'intuitem',
  packager: 'intuitem',
  locale: 'en',
  matrix: {
    urn: 'urn:intuitem:risk:matrix:critical_risk_matrix_5x5',
    ref_id: 'critical_5x5',
    name: 'critical 5x5',
    description: 'critical risk matrix 5x5',
    probability: levels(['Very unfrequent event', 'Unfrequent event', 'Occasional event', 'Frequent event', 'Very frequent event']),
    impact: levels(['Very low impact', 'Low impact', 'Medium impact', 'High impact', 'Very high impact']),
    risk: levels(['negligible risk', 'acceptable risk', 'risk requiring mitigation within 2 years', 'risk requiring mitigation within 6 months', 'unacceptable risk']),
    grid: [
      [0, 0, 1, 1, 2],
      [0, 1, 1, 2, 2],
      [1, 1, 2, 2, 3],
      [1, 2, 2, 3, 4],
      [2, 2, 3, 4, 4],
    ],
  },
};
