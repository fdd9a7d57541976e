import { z } from 'zod';
import { ROLES } from '../../workflows/lifecycle/definitions';

const username = z
  .string()
  .trim()
  .min(2, 'must be at least 2 characters')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'may hold lower-case letters, digits, dot, dash and underscore, starting with a letter or digit');
// A password set by an admin is handed to a person who should change it; 12 characters keeps
// guessing out of reach at argon2id's cost.
const password = z.string().min(12, 'must be at least 12 characters').max(1024, 'must be at most 1024 characters');
const displayName = z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters');

export const createUserBody = z.strictObject({
  username,
  displayName,
  password,
  role: z.enum(ROLES),
  email: z.email('must be an e-mail address').max(254).optional(),
});
export type CreateUserBody = z.output<typeof createUserBody>;

export const updateUserBody = z
  .strictObject({
    role: z.enum(ROLES).optional(),
    active: z.boolean().optional(),
    displayName: displayName.optional(),
  })
  .refine((b) => b.role !== undefined || b.active !== undefined || b.displayName !== undefined, { message: 'name at least one of role, active, displayName' });
export type UpdateUserBody = z.output<typeof updateUserBody>;

export const resetPasswordBody = z.strictObject({ password });
export type ResetPasswordBody = z.output<typeof resetPasswordBody>;

export const userParams = z.object({ username: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters') });
export type UserParams = z.output<typeof userParams>;

export const adminUserView = z
  .object({
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    active: z.boolean(),
    email: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'AdminUser' });
export type AdminUserView = z.infer<typeof adminUserView>;
