// The signed-in session: token, user and expiry, kept in sessionStorage so a reload keeps the
// analyst signed in but closing the tab does not. When the token expires (by the clock, or because
// the API answers 401) the session ends with a notice the login page shows.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { login as loginRequest, isRole, revokeSession, type LoginRequest, type Role, type User } from '../api';

const STORAGE_KEY = 'kinga.session';
// setTimeout cannot wait longer than 2^31-1 ms; longer sessions re-arm the timer.
const MAX_TIMER_MS = 2_147_483_647;

export const SESSION_EXPIRED_NOTICE = 'Your session has expired. Please sign in again.';
export const SIGNED_OUT_NOTICE = 'You have signed out.';

interface StoredSession {
  token: string;
  user: User;
  expiresAt: number;
}

/** ISO strings, epoch milliseconds or epoch seconds (as in a JWT `exp`) to epoch milliseconds. */
export function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

function readStoredSession(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    const user = parsed.user;
    if (
      typeof parsed.token !== 'string' ||
      typeof parsed.expiresAt !== 'number' ||
      !user ||
      typeof user.username !== 'string' ||
      typeof user.displayName !== 'string' ||
      !isRole(user.role)
    ) {
      return null;
    }
    return { token: parsed.token, user, expiresAt: parsed.expiresAt };
  } catch {
    return null;
  }
}

export const useAuthStore = defineStore('auth', () => {
  const session = ref<StoredSession | null>(null);
  /** A message for the login page: why the user is there (expired, signed out). */
  const notice = ref<string | null>(null);
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;

  const token = computed(() => session.value?.token ?? null);
  const user = computed(() => session.value?.user ?? null);
  const role = computed<Role | null>(() => session.value?.user.role ?? null);
  const expiresAt = computed(() => (session.value ? new Date(session.value.expiresAt) : null));
  const isAuthenticated = computed(() => session.value !== null);

  function clearTimer(): void {
    if (expiryTimer !== undefined) clearTimeout(expiryTimer);
    expiryTimer = undefined;
  }

  function armTimer(): void {
    clearTimer();
    if (!session.value) return;
    const remaining = session.value.expiresAt - Date.now();
    if (remaining <= 0) {
      expire();
      return;
    }
    expiryTimer = setTimeout(armTimer, Math.min(remaining, MAX_TIMER_MS));
  }

  function setSession(next: StoredSession | null): void {
    session.value = next;
    try {
      if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      else sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // Storage can be unavailable (private mode, quota); the session then lives in memory only.
    }
    armTimer();
  }

  async function login(credentials: LoginRequest): Promise<User> {
    const answer = await loginRequest(credentials);
    const expiry = toEpochMs(answer.expiresAt);
    if (!answer.token || !answer.user || !isRole(answer.user.role) || expiry === null) {
      throw new Error('The login answer from the API was incomplete.');
    }
    notice.value = null;
    setSession({ token: answer.token, user: answer.user, expiresAt: expiry });
    return answer.user;
  }

  function end(message: string | null): void {
    notice.value = message;
    setSession(null);
  }

  /** The user signs out: the token is revoked on the server too. */
  function logout(message: string | null = SIGNED_OUT_NOTICE): void {
    const current = session.value?.token;
    if (current) void revokeSession(current);
    end(message);
  }

  /** The token is no longer valid: end the session and tell the user why. */
  function expire(message: string = SESSION_EXPIRED_NOTICE): void {
    if (!session.value) return;
    end(message);
  }

  /** Ends the session first if its time is already up (a tab left open overnight). */
  function checkExpiry(): boolean {
    if (session.value && session.value.expiresAt <= Date.now()) expire();
    return isAuthenticated.value;
  }

  function hasRole(...roles: Role[]): boolean {
    return role.value !== null && roles.includes(role.value);
  }

  function clearNotice(): void {
    notice.value = null;
  }

  const restored = readStoredSession();
  if (restored) setSession(restored);

  return { token, user, role, expiresAt, isAuthenticated, notice, login, logout, expire, checkExpiry, hasRole, clearNotice };
});
