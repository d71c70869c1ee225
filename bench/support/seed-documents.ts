/**
 * Seed `count` documents into one subscription by SQL, for list benchmarks: issued, mailed, read and filed rows
 * (nts_state 3/4 with a result), written today, every timestamp set, buyers and amounts varied, each carrying the
 * body of the real stored document `seedId` (validated and stored as the API stores it). Dockeys are
 * `bench-<subscription>-<tag>-<n>`, approval numbers `<today>41000012<tag><n>` (another issuer code than the
 * server's, so never one it assigns). VACUUMs and ANALYZEs `documents` afterwards.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/platform/db/schema.ts';

export async function seedDocuments(db: Kysely<DB>, opts: { subscriptionId: number; seedId: number; count: number; tag?: string }): Promise<void> {
  const tag = opts.tag ?? '';
  await sql`
    INSERT INTO documents (subscription_id, dockey, subkey, doc_state, proc_state, read_state, nts_state, kind, type_code, write_date,
                           sup_bizno, sup_name, buy_id, buy_name, buy_email1, supply_amt, tax_amt, total_amt, item_summary, body,
                           nts_issue_id, issued_at, send_at, mail_result, read_at, nts_req_at, nts_resp_at, nts_result_code, nts_result_msg,
                           submit_id, created_at, updated_at, buy_bizno, buy_sub_bizno)
    SELECT s.subscription_id, 'bench-' || ${opts.subscriptionId}::text || '-' || ${tag}::text || g, 'SUB-' || ${tag}::text || g, 'N', (ARRAY['S','A','R','S'])[1 + g % 4],
           (ARRAY['N','Y'])[1 + g % 2], (ARRAY['3','3','4','0'])[1 + g % 4], s.kind, s.type_code, s.write_date,
           s.sup_bizno, s.sup_name, lpad(((g % 500) * 7919 + 1000000000)::text, 10, '0'), '(주)거래처 & 파트너 <' || (g % 500) || '>', s.buy_email1,
           (g % 1000 + 1) * 10000, (g % 1000 + 1) * 1000, (g % 1000 + 1) * 11000,
           (ARRAY['유지보수료','노트북','모니터','소프트웨어 라이선스','컨설팅'])[1 + g % 5] || ' 외 ' || (g % 9) || '건', s.body,
           to_char(now(), 'YYYYMMDD') || '41000012' || ${tag}::text || lpad(g::text, 8, '0'), now() - interval '3 hours', now() - interval '3 hours', 'Y',
           CASE WHEN g % 2 = 1 THEN now() - interval '2 hours' END, now() - interval '1 hour', now() - interval '30 minutes',
           CASE WHEN g % 4 = 2 THEN 'SERR' ELSE 'SUCC' END, CASE WHEN g % 4 = 2 THEN '공급자 사업자번호 오류' ELSE '정상 처리' END,
           'SUBMIT-' || g, now() - interval '3 hours', now(), lpad(((g % 500) * 7919 + 1000000000)::text, 10, '0'), ''
      FROM generate_series(1, ${opts.count}::int) g, (SELECT * FROM documents WHERE id = ${opts.seedId}) s`.execute(db);
  // the state an installation reaches by its next vacuum (autovacuum; the embedded vacuum on PGlite, whose insert
  // trigger fires after 1,000 + 20 % new rows): statistics, and the visibility map that lets a count read the index
  // alone. BENCH_SEED_VACUUM=off analyzes only: the state right after the rows were written (and, before the embedded
  // vacuum, an embedded installation's state for good)
  await sql`${sql.raw(process.env['BENCH_SEED_VACUUM'] === 'off' ? 'ANALYZE' : 'VACUUM (ANALYZE)')} documents`.execute(db);
}

/**
 * As a command, on a stopped installation (the customer-flow bench runs it in a process of its own, as an operator
 * would): node --import tsx bench/support/seed-documents.ts '{"databaseUrl":…,"pgliteDir":…,"subscriptionId":1,"target":100000}'
 * tops the subscription up to `target` documents (copies of its first issued one) and prints how many it has.
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const { openDatabase } = await import('../../src/platform/db/database.ts');
  const o = JSON.parse(process.argv[2]!) as { databaseUrl?: string; pgliteDir?: string; subscriptionId: number; target: number };
  const database = await openDatabase(o.databaseUrl ? { kind: 'postgres', url: o.databaseUrl, max: 2 } : { kind: 'pglite', dataDir: o.pgliteDir! });
  try {
    const count = async () => Number((await database.db.selectFrom('documents').select((e) => e.fn.countAll<string>().as('n')).where('subscription_id', '=', o.subscriptionId).executeTakeFirstOrThrow()).n);
    const have = await count();
    const seed = await database.db.selectFrom('documents').select('id').where('subscription_id', '=', o.subscriptionId).where('proc_state', '=', 'S').orderBy('id').executeTakeFirstOrThrow();
    if (have < o.target) await seedDocuments(database.db, { subscriptionId: o.subscriptionId, seedId: Number(seed.id), count: o.target - have, tag: 'L' });
    console.log(await count());
  } finally {
    await database.close();
  }
}
