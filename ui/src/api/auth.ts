import { request } from './client';
import type { LoginRequest, LoginResponse } from './types';

export function login(credentials: LoginRequest): Promise<LoginResponse> {
  return request<LoginResponse>('/api/auth/login', { method: 'POST', body: credentials, auth: false });
}
