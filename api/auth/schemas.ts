import { z } from 'zod';
import { singleLineText } from '../../boundary/inputRules';

export const loginBody = z.strictObject({
  username: singleLineText(64),
  password: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
});
export type LoginBody = z.output<typeof loginBody>;
