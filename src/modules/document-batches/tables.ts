/**
 * Row types of `document_batches` and `document_batch_items` (migrations/0019_document_batches.sql), added to the
 * Kysely `DB` interface by module augmentation.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export type DocumentBatchState = 'accepted' | 'processing' | 'completed';
export type DocumentBatchItemState = 'pending' | 'issued' | 'failed';

/** What an item was posted with: one item of `POST …/documents/bulk` (less its subkey, kept in its own column). */
export interface DocumentBatchItemBody {
  document: unknown;
  issue: boolean;
}

export interface DocumentBatchesTable {
  id: Generated<number>;
  subscription_id: number;
  state: ColumnType<DocumentBatchState, DocumentBatchState | undefined, DocumentBatchState>;
  total: number;
  issued: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface DocumentBatchItemsTable {
  batch_id: number;
  idx: number;
  subkey: string;
  body: Json<DocumentBatchItemBody>;
  state: ColumnType<DocumentBatchItemState, DocumentBatchItemState | undefined, DocumentBatchItemState>;
  document_id: ColumnType<number | null, number | null | undefined, number | null>;
  created: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  error_code: ColumnType<string | null, string | null | undefined, string | null>;
  error_message: ColumnType<string | null, string | null | undefined, string | null>;
  error_field: ColumnType<string | null, string | null | undefined, string | null>;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    document_batches: DocumentBatchesTable;
    document_batch_items: DocumentBatchItemsTable;
  }
}
