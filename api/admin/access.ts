// Who reaches the administration area, as the route documents state it (each router enforces the
// same with requireRole): changes are the admins'; compliance officers read along.
export const ADMINS = { auth: 'bearer', roles: ['admin'] } as const;
export const ADMIN_READERS = { auth: 'bearer', roles: ['admin', 'compliance'] } as const;
