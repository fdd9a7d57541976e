// Request shapes of the Tazama relay endpoints. The push body itself is checked by
// parseTazamaEvaluation (risk/tazama.ts), which names the offending field; zod covers the rest.
import { z } from 'zod';

/** What the relay-service's REST plugin POSTs to AUTH_TOKEN_URL. */
export const relayLoginBody = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
});
export type RelayLoginBody = z.infer<typeof relayLoginBody>;

/**
 * Where the pacs.002 MsgId sits in the relay's `{message, report, transaction, networkMap}`; the
 * rest of the body is read by parseTazamaEvaluation.
 */
export const relayPushBody = z.object({
  transaction: z.object({
    FIToFIPmtSts: z.object({
      GrpHdr: z.object({ MsgId: z.string().min(1) }),
    }),
  }),
});
