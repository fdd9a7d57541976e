import { z } from 'zod';

export const loginBody = z.strictObject({
  username: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  password: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
});
export type LoginBody = z.output<typeof loginBody>;
