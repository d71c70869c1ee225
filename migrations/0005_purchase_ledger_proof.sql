-- Purchase ledgers by proof (issue 8 item 4). A member sees documents issued to it as a buyer only when the
-- document's buyer is exactly the member's (business number, 종사업장번호) and the member has proven the
-- business number. The purchase ledger is computed on read from these facts (src/modules/documents/purchase-ledger.ts),
-- so documents issued before the proof appear once it is recorded.
-- Forward only; PostgreSQL 15 subset (also runs on PGlite).

-- Proof that a member holds its business number: its signing certificate's VID matched it at upload
-- (certificate), or an operator confirmed it (operator). Kept per business number, so a proof never carries
-- over to a different number.
CREATE TABLE bizno_proofs (
  member_id       bigint      NOT NULL REFERENCES members (id),
  bizno           text        NOT NULL,
  method          text        NOT NULL CHECK (method IN ('certificate', 'operator')),
  certificate_id  bigint      REFERENCES signing_certificates (id),
  note            text        NOT NULL DEFAULT '',
  proven_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member_id, bizno)
);

-- Certificates uploaded before this migration were VID-checked against the member's number (mismatches were refused).
INSERT INTO bizno_proofs (member_id, bizno, method, certificate_id, proven_at)
SELECT c.member_id, c.vid_bizno, 'certificate', min(c.id), min(c.uploaded_at)
  FROM signing_certificates c
  JOIN members m ON m.id = c.member_id AND m.bizno = c.vid_bizno
 WHERE c.vid_verified
 GROUP BY c.member_id, c.vid_bizno;

-- The buyer as the ledger matches it: business number (business buyers only) and 종사업장번호 ('' when none).
ALTER TABLE documents ADD COLUMN buy_bizno text;
ALTER TABLE documents ADD COLUMN buy_sub_bizno text NOT NULL DEFAULT '';
UPDATE documents
   SET buy_bizno = CASE WHEN body->'buyer'->>'idType' = 'business' THEN buy_id END,
       buy_sub_bizno = coalesce(body->'buyer'->>'subBizno', '');
CREATE INDEX documents_buyer_idx ON documents (buy_bizno, buy_sub_bizno, id) WHERE buy_bizno IS NOT NULL AND issued_at IS NOT NULL;

-- Purchase-ledger rows were granted on a self-declared business number, without proof: drop them; the ledger
-- now follows from the proof on every read.
DELETE FROM ledger_entries e USING ledgers l WHERE l.id = e.ledger_id AND l.kind = 'purchase';
