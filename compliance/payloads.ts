// Payloads in a JSON history are base64 protobuf payloads; the SDK's default payload converter
// turns them back into the values the workflow saw (JSON, binary, null).
import { defaultPayloadConverter } from '@temporalio/common';
import { JSONToPayload, type JSONPayload } from '@temporalio/common/lib/proto-utils';

/** A payload Kinga cannot read (e.g. encrypted by a codec it does not have): shown as such, never guessed. */
export interface UndecodedPayload {
  undecoded: true;
  encoding: string | null;
  reason: string;
}

function encodingOf(payload: JSONPayload): string | null {
  const raw = payload.metadata?.encoding;
  if (!raw) return null;
  try {
    return Buffer.from(raw, 'base64').toString('utf8');
  } catch {
    return null;
  }
}

export function decodePayload(payload: unknown): unknown {
  const p = payload as JSONPayload;
  try {
    return defaultPayloadConverter.fromPayload(JSONToPayload(p));
  } catch (err) {
    return { undecoded: true, encoding: encodingOf(p), reason: (err as Error).message } satisfies UndecodedPayload;
  }
}

/** The values of a `{ payloads: [...] }` object (activity input, signal args, results); [] when absent. */
export function decodePayloads(value: unknown): unknown[] {
  const payloads = (value as { payloads?: unknown[] } | null | undefined)?.payloads;
  return Array.isArray(payloads) ? payloads.map(decodePayload) : [];
}

/** The first value of a `{ payloads: [...] }` object, or undefined. */
export function decodeFirst(value: unknown): unknown {
  return decodePayloads(value)[0];
}
