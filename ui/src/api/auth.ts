import { request } from './client';
import type { LoginRequest, LoginResponse } from './types';

export function login(credentials: LoginRequest): Promise<LoginResponse> {
  return request<LoginResponse>('/api/auth/login', { method: 'POST', body: credentials, auth: false });
}

/**
 * Revokes the session token on the server (POST /api/auth/logout), so a copy of it is worthless
 * too. Fire and forget: the UI forgets the token whatever the answer, and a 401 here (a token
 * already invalid) must not start the expired-session flow.
 */
export async function revokeSession(token: string): Promise<void> {
  try {
    await fetch('/api/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  } catch {
    // offline: the token still expires at its time
  }
}
