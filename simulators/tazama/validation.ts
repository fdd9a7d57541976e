// Body validation exactly as Tazama's services do it: the TMS's own JSON schemas (copied into
// ./schemas from tms-service src/schemas, auth-service and admin-service) compiled by AJV with the
// options the TMS's Fastify server uses. Shared by the stand-in and the contract tests.
import fs from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under ESM its default export may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;

export type TmsMessageType = 'pacs.008.001.10' | 'pacs.002.001.12';

function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(new URL(`./schemas/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/**
 * The TMS's AJV options (tms-service src/clients/fastify.ts): unknown properties are dropped,
 * scalars coerced (a number where a string is expected becomes a string), defaults filled in
 * (TxTp). Tuple `items` without `minItems` are legal in the schemas, so strict mode stays off.
 */
export function createTmsAjv(): Ajv {
  const ajv = new Ajv({ removeAdditional: 'all', coerceTypes: 'array', useDefaults: true, allErrors: false, strict: false });
  addFormats(ajv);
  return ajv;
}

/**
 * The same schemas with no coercion, no removal and all errors: proves that a body satisfies the
 * schema as written, not only after the TMS has repaired it.
 */
export function createStrictAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

export interface TazamaValidators {
  'pacs.008.001.10': ValidateFunction;
  'pacs.002.001.12': ValidateFunction;
  login: ValidateFunction;
  reportQuery: ValidateFunction;
}

export function compileValidators(ajv: Ajv = createTmsAjv()): TazamaValidators {
  return {
    'pacs.008.001.10': ajv.compile(readSchema('pacs.008.001.10')),
    'pacs.002.001.12': ajv.compile(readSchema('pacs.002.001.12')),
    login: ajv.compile(readSchema('auth-service.login-body')),
    reportQuery: ajv.compile(readSchema('admin-service.getreportbymsgid-query')),
  };
}

/**
 * Fastify's wording of the first validation error, e.g.
 * "body/FIToFICstmrCdtTrf/GrpHdr must have required property 'MsgId'".
 */
export function fastifyMessage(errors: ErrorObject[] | null | undefined, dataVar = 'body'): string {
  return (errors ?? []).map((e) => `${dataVar}${e.instancePath} ${e.message ?? 'is invalid'}`).join(', ');
}
