// Is an error PostgreSQL (or the road to it) being unavailable — something that passes by itself,
// so the caller should retry later — rather than something wrong with the request or the data?
// Seen when the server restarts: refused connects, sessions ended by the shutdown (57P01), the
// pool's acquire timeout while nothing answers.

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** SQLSTATEs of an unavailable server: class 08 (connection), operator intervention, too many connections. */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;

/** node-postgres' own words when the socket goes away mid-session or never connects. */
const PG_CONNECTION_MESSAGES = /Connection terminated|Connection ended unexpectedly|timeout exceeded when trying to connect|Client has encountered a connection error/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (name === 'KnexTimeoutError') return true; // no connection could be had from the pool in time
    if (typeof message === 'string' && PG_CONNECTION_MESSAGES.test(message)) return true;
  }
  return false;
}
