-- Settlement, first slice (issue 11 items 1–2; docs/settlement.md): per-partner contract prices and the NTS filing
-- unit. The usage ledger itself is usage_records (0009): documents issued (doc:<document id>) and NTS filings
-- succeeded (nts:<filing id>) are written there too, each in the transaction that makes it billable.
-- Forward only; PostgreSQL 15 subset (also runs on PGlite).

-- A partner's contract price (and, optionally, limit) of a unit from a time on: the row with the latest
-- valid_from at or before an event is the one in effect; without one the unit's own price and limit apply.
CREATE TABLE partner_unit_prices (
  partner_id        bigint      NOT NULL REFERENCES partners (id),
  unit_id           bigint      NOT NULL REFERENCES service_units (id),
  valid_from        timestamptz NOT NULL,
  unit_price_krw    bigint      NOT NULL CHECK (unit_price_krw >= 0),
  limit_per_period  bigint      CHECK (limit_per_period >= 0),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, unit_id, valid_from)
);

-- Documents issued bill through unit 1 (tax_invoice_issued, 0001) or the subscription's own unit of that item;
-- a filing accepted by the NTS bills through this unit (free by default: the operator prices it per contract).
INSERT INTO service_units (name, metered_item, unit_price_krw, limit_per_period)
SELECT '국세청 전송', 'nts_filing_succeeded', 0, 0
 WHERE NOT EXISTS (SELECT 1 FROM service_units WHERE metered_item = 'nts_filing_succeeded');

-- Expected charges read a partner's ledger by time; document limits read a subscription's by item and time.
CREATE INDEX usage_records_subscription_item_idx ON usage_records (subscription_id, metered_item, occurred_at) WHERE subscription_id IS NOT NULL;
