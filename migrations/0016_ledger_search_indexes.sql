-- 문서함 search at 100,000 documents (issue 12 benchmark; docs/member-web.md "Benchmark").
-- Forward only; PostgreSQL 15 subset (also runs on PGlite, which loads pg_trgm: platform/db/database.ts).
--
-- Sorting a subscription's ledger by 합계 (and its amount range) walks this index instead of sorting every row;
-- the page's rows and the selection's sums come from it.
CREATE INDEX documents_sub_total_idx ON documents (subscription_id, total_amt, id) INCLUDE (supply_amt, tax_amt);

-- The counterparty's number, searched by prefix (digits only): a pattern index on the sales side.
CREATE INDEX documents_sub_buy_id_prefix_idx ON documents (subscription_id, buy_id text_pattern_ops);

-- Part of a name or of the items (ILIKE '%…%'): trigram indexes. pg_trgm is a trusted extension (PostgreSQL 13+),
-- so the database's owner may create it; Hangul is split into trigrams under a UTF-8 database (C.UTF-8 included).
-- A search of fewer than three characters has no trigram and is answered by the subscription's own rows.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX documents_buy_name_trgm_idx ON documents USING gin (buy_name gin_trgm_ops);
CREATE INDEX documents_sup_name_trgm_idx ON documents USING gin (sup_name gin_trgm_ops);
CREATE INDEX documents_item_summary_trgm_idx ON documents USING gin (item_summary gin_trgm_ops);
