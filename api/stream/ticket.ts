// Stream tickets. A browser's EventSource cannot send an Authorization header, and a session token
// in a URL would end up in access logs, proxies and browser history. So the UI first asks for a
// ticket with its bearer token (POST /api/stream/ticket) and opens the stream with ?ticket=…: a
// JWT that is good for one minute, only for opening the stream, and names the user and the session
// generation it was issued in; role, active flag and generation are read again from the database
// when the stream opens.
import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'kinga';
const AUDIENCE = 'kinga-stream';
export const TICKET_TTL_MS = 60_000;

export interface StreamTicket {
  ticket: string;
  expiresAt: string;
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export interface TicketHolder {
  username: string;
  /** the session generation of the token that asked for the ticket */
  generation: number;
}

export async function issueStreamTicket(holder: TicketHolder, secret: string, now = Date.now()): Promise<StreamTicket> {
  const exp = Math.floor((now + TICKET_TTL_MS) / 1000);
  const ticket = await new SignJWT({ use: 'stream', gen: holder.generation })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(holder.username)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(exp)
    .sign(key(secret));
  return { ticket, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Who holds a valid, unexpired stream ticket, else null. A session token is not a ticket. */
export async function verifyStreamTicket(ticket: string, secret: string): Promise<TicketHolder | null> {
  try {
    const { payload } = await jwtVerify(ticket, key(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    const generation = payload.gen ?? 0;
    if (payload.use !== 'stream' || typeof payload.sub !== 'string' || typeof generation !== 'number') return null;
    return { username: payload.sub, generation };
  } catch {
    return null;
  }
}
