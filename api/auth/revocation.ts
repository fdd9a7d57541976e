// Revoked session tokens (revoked_tokens, shared by every API process). A logout stores the
// token's id until the token would have expired anyway; requireAuth refuses a stored id.
import type { Knex } from 'knex';

export async function revokeToken(db: Knex, token: { tokenId: string; username: string; expiresAt: Date }, now = new Date()): Promise<void> {
  await db('revoked_tokens')
    .insert({ token_id: token.tokenId, username: token.username, expires_at: token.expiresAt })
    .onConflict('token_id')
    .ignore();
  // Rows of tokens past their expiry protect nothing any more.
  await db('revoked_tokens').where('expires_at', '<', now).delete();
}

export async function isRevoked(db: Knex, tokenId: string): Promise<boolean> {
  const row = await db('revoked_tokens').where({ token_id: tokenId }).first('token_id');
  return row !== undefined;
}
