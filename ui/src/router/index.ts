// Named, lazy-loaded routes. A route's meta says who may open it; the navigation menu is built
// from the same meta, so the menu never offers a page the guard would refuse.
import { createRouter, createWebHistory, type RouteRecordRaw, type RouterHistory } from 'vue-router';
import type { Role } from '../api';
import { pageTitle } from '../composables/useRouteFocus';
import { useAuthStore } from '../stores/auth';

declare module 'vue-router' {
  interface RouteMeta {
    /** the page title, also the menu label */
    title: string;
    /** false for pages open to everyone (login); default true */
    requiresAuth?: boolean;
    /** roles that may open the page; absent = every signed-in role */
    roles?: readonly Role[];
    /** shown in the main navigation */
    nav?: boolean;
  }
}

/** Who works cases; compliance reads them for audit; admins manage users and thresholds. */
const CASE_READERS: readonly Role[] = ['analyst', 'senior_analyst', 'compliance'];
const RISK_ROLES: readonly Role[] = ['senior_analyst', 'compliance', 'admin'];
/** Who resolves what failed for good (needs_attention) and chases quarantined warehouse rows. */
const OPERATORS: readonly Role[] = ['senior_analyst', 'admin'];
/** Admins change users and rule sets; compliance reads the admin area and approves rule-set changes. */
const ADMIN_READERS: readonly Role[] = ['admin', 'compliance'];

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../views/LoginView.vue'),
    meta: { title: 'Sign in', requiresAuth: false },
  },
  {
    path: '/',
    name: 'home',
    component: () => import('../views/OverviewView.vue'),
    meta: { title: 'Overview', nav: true },
  },
  {
    path: '/cases',
    name: 'case-queue',
    component: () => import('../views/CaseQueueView.vue'),
    meta: { title: 'Case queue', nav: true, roles: CASE_READERS },
  },
  {
    path: '/cases/:id(\\d+)',
    name: 'case-detail',
    component: () => import('../views/CaseDetailView.vue'),
    meta: { title: 'Case', roles: CASE_READERS },
  },
  {
    path: '/monitor',
    name: 'monitor',
    component: () => import('../views/MonitorView.vue'),
    meta: { title: 'Transaction monitor', nav: true },
  },
  {
    path: '/analytics',
    name: 'analytics',
    component: () => import('../views/AnalyticsView.vue'),
    meta: { title: 'Analytics', nav: true },
  },
  {
    path: '/risk',
    name: 'risk-register',
    component: () => import('../views/RiskRegisterView.vue'),
    meta: { title: 'Risk register', nav: true, roles: RISK_ROLES },
  },
  {
    path: '/attention',
    name: 'attention',
    component: () => import('../views/AttentionView.vue'),
    meta: { title: 'Attention', nav: true, roles: OPERATORS },
  },
  // reached from the Needs attention page (one menu entry for operators keeps the menu on one line)
  {
    path: '/quarantine',
    name: 'quarantine',
    component: () => import('../views/QuarantineView.vue'),
    meta: { title: 'Quarantined rows', roles: OPERATORS },
  },
  {
    path: '/compliance',
    name: 'compliance',
    component: () => import('../views/ComplianceView.vue'),
    meta: { title: 'Compliance', nav: true, roles: ['compliance'] },
  },
  // the admin area: a frame with its own menu; the pages inside inherit its roles (meta is merged)
  {
    path: '/admin',
    name: 'admin',
    component: () => import('../views/AdminView.vue'),
    redirect: { name: 'admin-rule-sets' },
    meta: { title: 'Admin', nav: true, roles: ADMIN_READERS },
    children: [
      { path: 'rule-sets', name: 'admin-rule-sets', component: () => import('../views/admin/RuleSetsView.vue'), meta: { title: 'Rule sets', roles: ADMIN_READERS } },
      { path: 'rule-sets/new', name: 'admin-rule-set-edit', component: () => import('../views/admin/RuleSetEditView.vue'), meta: { title: 'Change the rule set', roles: ['admin'] } },
      { path: 'backtests', name: 'admin-backtests', component: () => import('../views/admin/BacktestsView.vue'), meta: { title: 'Backtests', roles: ADMIN_READERS } },
      { path: 'backtests/:id', name: 'admin-backtest', component: () => import('../views/admin/BacktestView.vue'), meta: { title: 'Backtest', roles: ADMIN_READERS } },
      { path: 'shadow-runs', name: 'admin-shadow-runs', component: () => import('../views/admin/ShadowRunsView.vue'), meta: { title: 'Shadow runs', roles: ADMIN_READERS } },
      { path: 'shadow-runs/:id', name: 'admin-shadow-run', component: () => import('../views/admin/ShadowRunView.vue'), meta: { title: 'Shadow run', roles: ADMIN_READERS } },
      { path: 'users', name: 'admin-users', component: () => import('../views/admin/UsersView.vue'), meta: { title: 'Users', roles: ADMIN_READERS } },
      { path: 'events', name: 'admin-events', component: () => import('../views/admin/AuditTrailView.vue'), meta: { title: 'Audit trail', roles: ADMIN_READERS } },
    ],
  },
  {
    path: '/system',
    name: 'system',
    component: () => import('../views/HomeView.vue'),
    meta: { title: 'System', nav: true },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../views/NotFoundView.vue'),
    meta: { title: 'Page not found', requiresAuth: false },
  },
];

export function roleMayOpen(roles: readonly Role[] | undefined, role: Role | null): boolean {
  return roles === undefined || (role !== null && roles.includes(role));
}

export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)) {
  const router = createRouter({ history, routes });

  router.beforeEach((to) => {
    const auth = useAuthStore();
    const signedIn = auth.checkExpiry();
    if (to.meta.requiresAuth !== false && !signedIn) {
      return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    }
    if (signedIn && !roleMayOpen(to.meta.roles, auth.role)) {
      return { name: 'home' };
    }
    return true;
  });

  router.afterEach((to) => {
    document.title = `${pageTitle(to)} · Kinga`;
  });

  return router;
}
