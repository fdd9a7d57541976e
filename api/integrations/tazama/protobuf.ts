// Tazama's relay sends its messages as protobuf (FRMSMessage) unless it runs with
// OUTPUT_TO_JSON=true. This turns such a body back into the JSON shape Tazama's processors
// exchange, so one parser (risk/tazama.ts) reads both.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = protobuf.loadSync(fileURLToPath(new URL('./frms-message.proto', import.meta.url)));
export const FrmsMessage = root.lookupType('FRMSMessage');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * proto3 leaves out fields at their default: a typology that did not breach arrives without
 * `review`, one that scored 0 without `result`. Put back what the JSON form would say.
 */
function restoreTypology(t: unknown): void {
  if (!isObj(t)) return;
  t.review ??= false;
  t.result ??= 0;
  if (isObj(t.workflow)) t.workflow.alertThreshold ??= 0;
  for (const r of Array.isArray(t.ruleResults) ? t.ruleResults : []) {
    if (isObj(r)) r.subRuleRef ??= '';
  }
}

/** Decodes a relay body in Tazama's protobuf; throws when the bytes are not an FRMSMessage. */
export function decodeFrmsMessage(body: Uint8Array): Obj {
  const message = FrmsMessage.decode(body);
  const json = FrmsMessage.toObject(message, { longs: Number, arrays: true, defaults: false }) as Obj;
  if (isObj(json.report) && isObj(json.report.tadpResult) && Array.isArray(json.report.tadpResult.typologyResult)) {
    json.report.tadpResult.typologyResult.forEach(restoreTypology);
  }
  restoreTypology(json.typologyResult);
  if (isObj(json.ruleResult)) json.ruleResult.subRuleRef ??= '';
  return json;
}

/** Encodes a Tazama message as the relay does with OUTPUT_TO_JSON=false (for the stand-in and tests). */
export function encodeFrmsMessage(message: Obj): Uint8Array {
  return FrmsMessage.encode(FrmsMessage.fromObject(message)).finish();
}
