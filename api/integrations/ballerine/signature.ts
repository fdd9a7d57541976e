// Ballerine signs each webhook with HMAC-SHA256 over the JSON payload, hex-encoded, in the
// X-HMAC-Signature header (the customer's webhookSharedSecret is the key). Kinga checks it over the
// raw bytes it received, which are exactly the bytes Ballerine signed (JSON.stringify of the payload).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hmac-signature';

export function signBallerineBody(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** Constant-time check of the header against the body; false for a missing or malformed header. */
export function verifyBallerineSignature(rawBody: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !/^[0-9a-fA-F]{64}$/.test(header.trim())) return false;
  const expected = Buffer.from(signBallerineBody(rawBody, secret), 'hex');
  const given = Buffer.from(header.trim(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
