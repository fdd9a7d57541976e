// Chart.js, registered once with only the parts Kinga's charts use (keeps the bundle small), and
// the level colours shared with the CSS.
import { BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineElement, PointElement, Title, Tooltip } from 'chart.js';

Chart.register(BarElement, CategoryScale, LinearScale, LineElement, PointElement, Filler, Legend, Title, Tooltip);
// dashboards refresh live: animating every refresh distracts more than it tells
Chart.defaults.animation = false;
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif";

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
