// The charts' colours and options, kept free of Chart.js itself: the views import this file
// eagerly, while Chart.js arrives only with components/KingaChart.vue, a chunk loaded when a
// chart is actually on screen (so the overview's first load does not carry it).

export const LEVEL_COLOURS = { low: '#2e8b47', medium: '#d49a1a', high: '#c0392b' } as const;
export const BRAND = '#0b5d4b';
export const ACCENT = '#5b6fd6';

export const stackedOptions = {
  responsive: true,
  maintainAspectRatio: false,
  scales: { x: { stacked: true, grid: { display: false } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
  plugins: { legend: { position: 'bottom' as const } },
};

export const barOptions = {
  responsive: true,
  maintainAspectRatio: false,
  scales: { x: { grid: { display: false } }, y: { beginAtZero: true } },
  plugins: { legend: { display: false } },
};

export const horizontalOptions = {
  indexAxis: 'y' as const,
  responsive: true,
  maintainAspectRatio: false,
  scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { grid: { display: false } } },
  plugins: { legend: { display: false } },
};

export const lineOptions = {
  responsive: true,
  maintainAspectRatio: false,
  scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
  plugins: { legend: { position: 'bottom' as const } },
};

/** A metric over time: the value need not start at zero (a ratio near its threshold shows its moves). */
export const trendOptions = {
  responsive: true,
  maintainAspectRatio: false,
  scales: { x: { ticks: { maxTicksLimit: 8, autoSkip: true } }, y: { beginAtZero: false } },
  plugins: { legend: { position: 'bottom' as const } },
};
