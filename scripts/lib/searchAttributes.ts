// Kinga's custom search attributes as the server's proto enum, and registering them on servers
// that are not started with --search-attribute (the time-skipping test server, a real cluster).
import type { Connection } from '@temporalio/client';
// @temporalio/proto is CommonJS re-exported with `module.exports = require(...)`: Node's ESM loader
// sees no named exports, so take the default export.
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../workflows/lifecycle/definitions';

const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

const BY_NAME: Record<string, number> = {
  Text: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** The server's IndexedValueType for a `--search-attribute` type name (Keyword, Double, …). */
export function indexedValueType(typeName: string): number {
  const v = BY_NAME[typeName];
  if (v === undefined) throw new Error(`unknown search attribute type ${typeName} (one of ${Object.keys(BY_NAME).join(', ')})`);
  return v;
}

/**
 * Adds the search attributes (default: Kinga's) to a namespace through the OperatorService. Needed
 * on the time-skipping test server, which rejects upserts of unregistered attributes.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace = 'default',
  definitions: Record<string, string> = SEARCH_ATTRIBUTE_DEFINITIONS,
): Promise<void> {
  const searchAttributes: Record<string, number> = {};
  for (const [name, type] of Object.entries(definitions)) searchAttributes[name] = indexedValueType(type);
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}
