/**
 * Row types of `bulk_uploads` and `bulk_upload_rows` (migrations/0014_member_write.sql), added to the Kysely
 * `DB` interface by module augmentation.
 */
import type { ColumnType, Generated } from 'kysely';
import type { StoredDocumentBody } from '../../platform/db/schema.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface RowError {
  column: string;
  message: string;
}

export type BulkUploadState = 'previewed' | 'issuing' | 'done';
export type BulkRowState = 'invalid' | 'valid' | 'issued' | 'existing' | 'failed';

export interface BulkUploadsTable {
  id: Generated<number>;
  subscription_id: number;
  file_name: string;
  file_sha256: string;
  state: ColumnType<BulkUploadState, BulkUploadState | undefined, BulkUploadState>;
  rows_total: ColumnType<number, number | undefined, number>;
  rows_valid: ColumnType<number, number | undefined, number>;
  rows_issued: ColumnType<number, number | undefined, number>;
  rows_existing: ColumnType<number, number | undefined, number>;
  rows_failed: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface BulkUploadRowsTable {
  upload_id: number;
  row_no: number;
  row_key: string;
  state: BulkRowState;
  body: Json<StoredDocumentBody | Record<string, unknown> | null>;
  errors: Json<RowError[]>;
  dockey: string | null;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    bulk_uploads: BulkUploadsTable;
    bulk_upload_rows: BulkUploadRowsTable;
  }
}
