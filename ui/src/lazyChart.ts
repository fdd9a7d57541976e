// Chart.js is half of a dashboard's JavaScript: load it only where a chart is shown, after the
// page's figures are already on screen.
import { defineAsyncComponent } from 'vue';

export const KingaChart = defineAsyncComponent(() => import('./components/KingaChart.vue'));
