// Read model of what extraction quarantined: newest first, with the reason and the row as read.
import type { Knex } from 'knex';
import type { QuarantineList, QuarantineQuery } from './schemas';

interface QuarantineRow {
  id: string | number;
  source: string;
  cursor_value: string;
  transaction_ref: string | null;
  field: string;
  reason: string;
  raw_row: Record<string, unknown>;
  extraction_run_id: string | null;
  quarantined_at: Date;
}

export async function listQuarantinedRows(db: Knex, query: QuarantineQuery): Promise<QuarantineList> {
  const [rows, count] = await Promise.all([
    db<QuarantineRow>('quarantined_warehouse_rows').select('*').orderBy([{ column: 'quarantined_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(query.limit).offset(query.offset),
    db('quarantined_warehouse_rows').count<{ n: string }[]>({ n: '*' }),
  ]);
  return {
    total: Number(count[0]?.n ?? 0),
    items: rows.map((r) => ({
      id: Number(r.id),
      source: r.source,
      cursor: r.cursor_value,
      transactionRef: r.transaction_ref,
      field: r.field,
      reason: r.reason,
      row: r.raw_row,
      extractionRunId: r.extraction_run_id,
      quarantinedAt: new Date(r.quarantined_at).toISOString(),
    })),
  };
}
