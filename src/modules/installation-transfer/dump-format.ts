/**
 * The dump file (format "hanbill-dump", version 1): gzip of JSON lines.
 *
 *   line 1        the header (DumpHeader): format and version, export time, the source engine, the applied
 *                 migrations with the SHA-256 of their SQL, every table with its columns (name and SQL type) and
 *                 row count in foreign-key order, the partitions of partitioned tables with their bounds, every
 *                 sequence's last value, the transaction-id horizon, and — only with --include-secrets — the
 *                 master key and operator token
 *   then per table  {"table": name} and one line per row: a JSON array of the columns' PostgreSQL text forms
 *                 (null for NULL), written with TimeZone UTC, DateStyle ISO, bytea_output hex, extra_float_digits 3,
 *                 so every type (bytea, jsonb, arrays, xid8, timestamptz, numeric) reads back exactly
 *   last line     {"end": true, "rows": total}
 *
 * Rows of a partitioned table are read through its parent and land in the partitions the import creates first.
 */
export const DUMP_FORMAT = 'hanbill-dump';
export const DUMP_VERSION = 1;

export interface DumpColumn {
  name: string;
  type: string;
}

export interface DumpTable {
  name: string;
  columns: DumpColumn[];
  rows: number;
  partitioned: boolean;
}

export interface DumpPartition {
  name: string;
  parent: string;
  /** pg_get_expr(relpartbound): "FOR VALUES FROM (…) TO (…)" */
  bound: string;
}

export interface DumpSequence {
  name: string;
  /** pg_sequences.last_value as text; null when never called */
  lastValue: string | null;
}

export interface DumpHeader {
  format: typeof DUMP_FORMAT;
  version: number;
  exportedAt: string;
  source: { engine: 'pglite' | 'postgres'; serverVersion: string };
  migrations: { name: string; sha256: string }[];
  tables: DumpTable[];
  partitions: DumpPartition[];
  sequences: DumpSequence[];
  /** pg_snapshot_xmax at export: every xid8 stored in the dump is below it */
  xidHorizon: string;
  secrets?: { masterKey: string; operatorToken: string };
}

/** A row line is a bare JSON array; the other lines are objects. */
export type DumpRow = (string | null)[];
export type DumpMarker = { table: string } | { end: true; rows: number };

/** The session settings under which text forms are written and read. */
export const TEXT_FORM_SETTINGS = [
  "SET LOCAL TimeZone = 'UTC'",
  "SET LOCAL DateStyle = 'ISO, YMD'",
  "SET LOCAL IntervalStyle = 'postgres'",
  'SET LOCAL extra_float_digits = 3',
  "SET LOCAL bytea_output = 'hex'",
];

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A refusal of `hanbill export` / `hanbill import`: a message for the operator, "한국어 (English)". */
export class TransferRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransferRefused';
  }
}
