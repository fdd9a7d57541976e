// `npm run compliance -- <command>`: what a compliance officer (or CI) does from a terminal.
//
//   export <transactionRef|workflowId> [--out file]       Temporal's JSON history (as `temporal workflow show --output json`)
//   replay (--workflow-id ID | --file history.json)        replay against the current workflow code: decision path + verdict
//          [--json] [--bundle workflow-bundle.js]
//   audit <transactionRef> [--csv | --html | --json] [--replay] [--out file]
//   decisions --from 2026-11-01 --to 2026-12-01 [--csv | --json] [--limit N] [--out file]
//
// Exit codes: 0 done (replay: deterministic; audit: consistent), 1 replay diverged or audit found
// inconsistencies, 2 the input cannot be used (usage, corrupt file, not a history, unknown
// transaction), 3 anything else (Temporal or PostgreSQL unreachable, …).
// Reads TEMPORAL_ADDRESS (default 127.0.0.1:7233, the local dev server), TEMPORAL_NAMESPACE, the
// TEMPORAL_TLS_* / TEMPORAL_API_KEY settings, DATABASE_URL (audit, decisions) and KINGA_WORKFLOW_BUNDLE.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { loadConfig, type KingaConfig } from '../config';
import { createDb } from '../db/connection';
import { connectTemporalClient } from '../temporal/connection';
import { auditReportCsv, auditReportHtml, decisionsCsv, formatAuditText, formatDecisionsText } from '../compliance/auditReport';
import { loadDecisions } from '../compliance/auditTrail';
import { formatDecisionPath } from '../compliance/decisionPath';
import { HistoryError, parseHistoryText, WorkflowNotFoundError } from '../compliance/history';
import { formatReplayVerdict, type ReplayOptions } from '../compliance/replay';
import { auditReportFor, exportHistory, replayAndExplain, replayFromCluster, TransactionNotFoundError, type ReplayReport } from '../compliance/service';

const USAGE = `usage: npm run compliance -- <command>
  export <transactionRef|workflowId> [--out file]
  replay (--workflow-id ID | --file history.json) [--json] [--bundle workflow-bundle.js]
  audit <transactionRef> [--csv | --html | --json] [--replay] [--out file]
  decisions --from DATE --to DATE [--csv | --json] [--limit N] [--out file]`;

/** The input cannot be used: exit code 2 with the message. */
class UsageError extends Error {}

const EXIT = { ok: 0, finding: 1, input: 2, failure: 3 } as const;

function write(out: string | undefined, text: string): void {
  if (out) {
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, text.endsWith('\n') ? text : `${text}\n`);
    process.stderr.write(`wrote ${out}\n`);
  } else {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

async function withTemporal<T>(config: KingaConfig, fn: (client: Client) => Promise<T>): Promise<T> {
  const address = config.temporal.address ?? '127.0.0.1:7233';
  let client: Client;
  try {
    client = await connectTemporalClient(address, config.temporal.namespace, config.temporal.connection);
  } catch (err) {
    throw new Error(`cannot reach Temporal at ${address} (set TEMPORAL_ADDRESS): ${(err as Error).message}`);
  }
  try {
    return await fn(client);
  } finally {
    await client.connection.close();
  }
}

function requireDatabase(config: KingaConfig): string {
  if (!config.database.url) throw new UsageError('DATABASE_URL is required for this command (the audit trail is in PostgreSQL)');
  return config.database.url;
}




function parseInstant(value: string | undefined, name: string): Date {
  if (!value) throw new UsageError(`--${name} is required (an ISO 8601 date, e.g. 2026-11-25)`);
  const bare = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const d = new Date(bare ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime()) || (bare && !d.toISOString().startsWith(value))) throw new UsageError(`--${name} ${value} is not an ISO 8601 date or date-time`);
  return d;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? EXIT.ok : EXIT.input;
  }
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        'workflow-id': { type: 'string' },
        file: { type: 'string' },
        bundle: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        html: { type: 'boolean' },
        replay: { type: 'boolean' },
        from: { type: 'string' },
        to: { type: 'string' },
        limit: { type: 'string' },
        verbose: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const opt = args.values as Record<string, string | boolean | undefined>;
  const str = (k: string) => (typeof opt[k] === 'string' ? (opt[k] as string) : undefined);
  const config = loadConfig(process.env);
  if (command === 'replay' || (command === 'audit' && (opt.replay || opt.html))) {
    // The replayer's own logs (a failing workflow task is its normal way of saying "diverged")
    // would bury the verdict, which carries the message anyway; --verbose shows them.
    const { DefaultLogger, Runtime } = await import('@temporalio/worker');
    Runtime.install({
      logger: opt.verbose ? new DefaultLogger('WARN') : new DefaultLogger('ERROR', () => undefined),
      telemetryOptions: { logging: { filter: { core: opt.verbose ? 'WARN' : 'ERROR', other: 'ERROR' } } },
    });
  }
  const replayOptions: ReplayOptions = { workflowBundlePath: str('bundle') ?? config.temporal.workflowBundle };

  switch (command) {
    case 'export': {
      const ref = args.positionals[0];
      if (!ref) throw new UsageError(`export needs a transaction reference or workflow id\n${USAGE}`);
      const exported = await withTemporal(config, (client) => exportHistory(client, ref));
      write(str('out'), exported.json);
      process.stderr.write(`history of ${exported.workflowId}: ${(JSON.parse(exported.json) as { events: unknown[] }).events.length} events\n`);
      return EXIT.ok;
    }
    case 'replay': {
      const workflowId = str('workflow-id') ?? args.positionals[0];
      const file = str('file');
      if (Boolean(workflowId) === Boolean(file)) throw new UsageError(`replay needs exactly one of --workflow-id ID or --file history.json\n${USAGE}`);
      let report: ReplayReport;
      if (file) {
        let text: string;
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch (err) {
          throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
        }
        report = await replayAndExplain(parseHistoryText(text, file), { kind: 'file', name: file }, replayOptions);
      } else {
        report = await withTemporal(config, (client) => replayFromCluster(client, workflowId!, replayOptions));
      }
      write(str('out'), opt.json ? JSON.stringify(report, null, 2) : `${formatDecisionPath(report.decisionPath)}\n\n${formatReplayVerdict(report.replay)}`);
      return report.replay.verdict === 'deterministic' ? EXIT.ok : EXIT.finding;
    }
    case 'audit': {
      const ref = args.positionals[0];
      if (!ref) throw new UsageError(`audit needs a transaction reference\n${USAGE}`);
      const db = createDb(requireDatabase(config), 2);
      try {
        const report = await withTemporal(config, (client) =>
          auditReportFor({ db, client }, ref, { replay: opt.replay || opt.html ? replayOptions : false, generatedBy: process.env.USER ?? null }),
        );
        const text = opt.csv ? auditReportCsv(report) : opt.html ? auditReportHtml(report) : opt.json ? JSON.stringify(report, null, 2) : formatAuditText(report);
        write(str('out'), text);
        const diverged = report.replay?.verdict === 'diverged';
        return report.summary.consistent && !diverged ? EXIT.ok : EXIT.finding;
      } finally {
        await db.destroy();
      }
    }
    case 'decisions': {
      const from = parseInstant(str('from'), 'from');
      const to = parseInstant(str('to'), 'to');
      if (to <= from) throw new UsageError('--to must be after --from');
      const limit = str('limit') ? Number(str('limit')) : 10_000;
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
      const db = createDb(requireDatabase(config), 2);
      try {
        const { decisions, truncated } = await loadDecisions(db, { from, to, limit });
        write(
          str('out'),
          opt.csv ? decisionsCsv(decisions) : opt.json ? JSON.stringify({ from, to, count: decisions.length, truncated, decisions }, null, 2) : formatDecisionsText(decisions, truncated),
        );
        return EXIT.ok;
      } finally {
        await db.destroy();
      }
    }
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const input = err instanceof UsageError || err instanceof HistoryError || err instanceof WorkflowNotFoundError || err instanceof TransactionNotFoundError;
    process.stderr.write(`compliance: ${(err as Error).message ?? String(err)}\n`);
    process.exit(input ? EXIT.input : EXIT.failure);
  },
);
