-- documents_sub_write_idx (subscription_id, write_date, id) has had a twin since migration 0013:
-- documents_sub_write_amt_idx, the same key with the amounts INCLUDEd, which serves every query the first one
-- served (the legacy and REST lists by 작성일자, the 문서함's sort and keyset pages). Every document written,
-- issued or filed paid for both: an UPDATE of documents is never HOT (updated_at is indexed), so each one wrote 16
-- index entries per row, now 15. The saving is within the noise of one measurement (pgbench, a 100-row UPDATE of
-- the filing state after VACUUM FULL: 6.3–6.9 ms with the twin, 5.8–7.3 ms without; issue 13); it is a duplicate.
DROP INDEX documents_sub_write_idx;
