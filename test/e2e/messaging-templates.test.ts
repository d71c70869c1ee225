// AlimTalk templates over real HTTP (issue 10 item 1): create on an active channel → submit → operator approve →
// approvedTemplateFor; reject with a comment → edit → resubmit; APR cannot be edited or deleted; another partner
// sees 404; a template unused for a year goes dormant (injected clock).
//
// The Kakao channel rows are inserted directly (kakao_channels of 0007_messaging_senders.sql, state active with a
// senderKey): the channel registration flow is tested on its own, these tests are about templates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ManualClock } from '../../src/platform/clock.ts';
import { AppError } from '../../src/platform/errors.ts';
import { approvedTemplateFor } from '../../src/modules/messaging/templates/approved-template-for.ts';
import { markDormantTemplates } from '../../src/modules/messaging/templates/mark-dormant-templates.ts';
import { touchTemplate } from '../../src/modules/messaging/templates/touch-template.ts';
import { matchesTemplate, renderTemplate } from '../../src/modules/messaging/templates/render-template.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { makePartner, operatorClient, request, type Answer } from './portal-support.ts';

const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
let sys: TestSystem;
before(async () => {
  sys = await startTestSystem({}, { clock });
});
after(async () => {
  await sys?.close();
});

interface Tenant {
  partnerId: number;
  call: (method: string, path: string, json?: unknown, headers?: Record<string, string>) => Promise<Answer>;
  channel: (state?: string) => Promise<number>;
}

async function tenant(): Promise<Tenant> {
  const op = await operatorClient(sys);
  const partner = await makePartner(sys, op);
  const key = await partner.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
  assert.equal(key.status, 201, key.text);
  const auth = { authorization: `Bearer ${key.body.accessKey}` };
  return {
    partnerId: partner.partnerId,
    call: (method, path, json, headers = {}) => request(sys.url, method, path, { ...(json !== undefined ? { json } : {}), headers: { ...auth, ...headers } }),
    channel: async (state = 'active') => {
      const now = clock.now();
      const r = await sys.database.pool.query<{ id: string }>(
        `INSERT INTO kakao_channels (partner_id, search_id, admin_phone, category_code, sender_key, state, created_at, updated_at)
         VALUES ($1, $2, '01012345678', '00100010001', $3, $4, $5, $5) RETURNING id`,
        [partner.partnerId, `@t${crypto.randomBytes(5).toString('hex')}`, state === 'pending' ? null : crypto.randomBytes(20).toString('hex'), state, now],
      );
      return Number(r.rows[0]!.id);
    },
  };
}

const operator = (method: string, path: string, json?: unknown, headers: Record<string, string> = {}) =>
  request(sys.url, method, path, { ...(json !== undefined ? { json } : {}), headers: { authorization: `Bearer ${sys.operatorToken}`, ...headers } });

const template = (channelId: number, code = `T${crypto.randomBytes(4).toString('hex')}`) => ({
  channelId,
  code,
  name: '주문 완료 안내',
  body: '#{고객명}님, 주문하신 #{상품}이 접수되었습니다.\n주문번호: #{주문번호}',
  buttons: [{ type: 'WL', name: '주문 조회', linkMo: 'https://shop.example.kr/o/#{주문번호}' }],
});

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AppError, String(e));
    return e;
  }
  assert.fail('expected a refusal');
}

test('create on an active channel → submit → operator approve → approvedTemplateFor renders and matches', async () => {
  const t = await tenant();
  const channelId = await t.channel();
  const created = await t.call('POST', '/v1/kakao/templates', template(channelId, 'ORDER_OK'), { 'idempotency-key': 'create-1' });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.state, 'REG');
  assert.deepEqual(created.body.variables, ['고객명', '상품', '주문번호']);
  const id = created.body.id as number;

  // a retry with the same key is answered, not created twice; the same code on the channel is refused
  const retry = await t.call('POST', '/v1/kakao/templates', template(channelId, 'ORDER_OK'), { 'idempotency-key': 'create-1' });
  assert.equal(retry.status, 201);
  assert.equal(retry.body.id, id);
  const dup = await t.call('POST', '/v1/kakao/templates', template(channelId, 'ORDER_OK'));
  assert.equal(dup.status, 409, dup.text);
  assert.equal(dup.body.error.code, 'template_code_taken');
  assert.equal(dup.body.error.field, 'code');

  // not approved yet: the sending module is refused
  assert.equal((await refusal(approvedTemplateFor(sys.ctx, t.partnerId, channelId, 'ORDER_OK'))).code, 'template_not_approved');
  // approving needs REQ
  const early = await operator('POST', `/v1/operator/kakao/templates/${id}/approve`);
  assert.equal(early.status, 409);
  assert.equal(early.body.error.code, 'template_state_conflict');

  const submitted = await t.call('POST', `/v1/kakao/templates/${id}/submit`);
  assert.equal(submitted.status, 200, submitted.text);
  assert.equal(submitted.body.state, 'REQ');
  // under review: no edit
  const underReview = await t.call('PUT', `/v1/kakao/templates/${id}`, { name: '다른 이름', body: '본문' });
  assert.equal(underReview.status, 409);

  const queue = await operator('GET', '/v1/operator/kakao/templates?state=REQ');
  assert.equal(queue.status, 200, queue.text);
  const queued = queue.body.data.find((x: { id: number }) => x.id === id);
  assert.equal(queued?.partnerId, t.partnerId);
  // the partner key is not the operator token
  assert.equal((await t.call('GET', '/v1/operator/kakao/templates')).status, 401);

  const approved = await operator('POST', `/v1/operator/kakao/templates/${id}/approve`);
  assert.equal(approved.status, 200, approved.text);
  assert.equal(approved.body.state, 'APR');
  assert.equal(approved.body.approvedAt, clock.now().toISOString());

  const ready = await approvedTemplateFor(sys.ctx, t.partnerId, channelId, 'ORDER_OK');
  assert.equal(ready.id, id);
  const text = renderTemplate(ready, { 고객명: '홍길동', 상품: '케이스', 주문번호: 'A-1' });
  assert.equal(text, '홍길동님, 주문하신 케이스이 접수되었습니다.\n주문번호: A-1');
  assert.equal(matchesTemplate(ready, text), true);
  assert.equal(matchesTemplate(ready, text.replace('\n', ' ')), false);
  // unknown code, and the channel of another partner's template
  assert.equal((await refusal(approvedTemplateFor(sys.ctx, t.partnerId, channelId, 'NOPE'))).code, 'template_not_found');
  const other = await tenant();
  assert.equal((await refusal(approvedTemplateFor(sys.ctx, other.partnerId, channelId, 'ORDER_OK'))).code, 'template_not_found');

  // APR: no edit, no delete, no resubmit
  const editApr = await t.call('PUT', `/v1/kakao/templates/${id}`, { name: '다른 이름', body: '본문' });
  assert.equal(editApr.status, 409);
  assert.equal(editApr.body.error.code, 'template_state_conflict');
  const deleteApr = await t.call('DELETE', `/v1/kakao/templates/${id}`);
  assert.equal(deleteApr.status, 409);
  assert.equal(deleteApr.body.error.code, 'template_delete_refused');
  assert.equal((await t.call('POST', `/v1/kakao/templates/${id}/submit`)).status, 409);
  const still = await t.call('GET', `/v1/kakao/templates/${id}`);
  assert.equal(still.body.state, 'APR');
  assert.equal(still.body.name, '주문 완료 안내');
});

test('reject with a comment → edit → resubmit → approve; a comment is required; listing filters', async () => {
  const t = await tenant();
  const channelId = await t.channel();
  const otherChannel = await t.channel();
  const id = (await t.call('POST', '/v1/kakao/templates', template(channelId))).body.id as number;
  const second = await t.call('POST', '/v1/kakao/templates', template(otherChannel));
  assert.equal(second.status, 201);
  assert.equal((await t.call('POST', `/v1/kakao/templates/${id}/submit`)).status, 200);

  const noComment = await operator('POST', `/v1/operator/kakao/templates/${id}/reject`, { comment: '  ' });
  assert.equal(noComment.status, 400);
  assert.equal(noComment.body.error.field, 'comment');
  assert.equal((await t.call('GET', `/v1/kakao/templates/${id}`)).body.state, 'REQ', 'a refused rejection changes nothing');

  const comment = '수신 대상이 불분명합니다.\n"신청하신" 등 행위 문구를 넣어 주세요.';
  const rejected = await operator('POST', `/v1/operator/kakao/templates/${id}/reject`, { comment });
  assert.equal(rejected.status, 200, rejected.text);
  assert.equal(rejected.body.state, 'REJ');
  assert.equal(rejected.body.reviewComment, comment);
  await assert.rejects(approvedTemplateFor(sys.ctx, t.partnerId, channelId, rejected.body.code), (e: unknown) => e instanceof AppError && e.code === 'template_not_approved');

  // a bad edit names the path and changes nothing
  const bad = await t.call('PUT', `/v1/kakao/templates/${id}`, { ...template(channelId), channelId: undefined, code: undefined, buttons: [{ type: 'BK', name: '#{이름}님 문의' }] });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.body.error.field, 'buttons[0].name');
  assert.equal((await t.call('GET', `/v1/kakao/templates/${id}`)).body.state, 'REJ');
  const codeChange = await t.call('PUT', `/v1/kakao/templates/${id}`, { name: 'x', body: 'y', code: 'OTHER' });
  assert.equal(codeChange.status, 400);
  assert.equal(codeChange.body.error.field, 'code');

  const edited = await t.call('PUT', `/v1/kakao/templates/${id}`, { name: '주문 접수 안내', body: '신청하신 주문 #{주문번호}이 접수되었습니다.\n※ 이 메시지는 주문하신 분께 발송됩니다.' });
  assert.equal(edited.status, 200, edited.text);
  assert.equal(edited.body.state, 'REG');
  assert.deepEqual(edited.body.variables, ['주문번호']);
  assert.deepEqual(edited.body.buttons, []);

  assert.equal((await t.call('POST', `/v1/kakao/templates/${id}/submit`)).body.state, 'REQ');
  assert.equal((await operator('POST', `/v1/operator/kakao/templates/${id}/approve`)).body.state, 'APR');
  const ready = await approvedTemplateFor(sys.ctx, t.partnerId, channelId, edited.body.code);
  assert.equal(renderTemplate(ready, { 주문번호: '77' }), '신청하신 주문 77이 접수되었습니다.\n※ 이 메시지는 주문하신 분께 발송됩니다.');

  const all = await t.call('GET', '/v1/kakao/templates');
  assert.deepEqual(all.body.data.map((x: { id: number }) => x.id), [second.body.id, id]);
  const byChannel = await t.call('GET', `/v1/kakao/templates?channelId=${otherChannel}`);
  assert.deepEqual(byChannel.body.data.map((x: { id: number }) => x.id), [second.body.id]);
  const byState = await t.call('GET', '/v1/kakao/templates?state=APR');
  assert.deepEqual(byState.body.data.map((x: { id: number }) => x.id), [id]);
  const badState = await t.call('GET', '/v1/kakao/templates?state=OK');
  assert.equal(badState.status, 400);
  assert.equal(badState.body.error.field, 'state');

  // a REG template (never approved, never used) can be deleted
  const gone = await t.call('DELETE', `/v1/kakao/templates/${second.body.id}`);
  assert.equal(gone.status, 200, gone.text);
  assert.equal((await t.call('GET', `/v1/kakao/templates/${second.body.id}`)).status, 404);
});

test('channels: only the partner\'s own active channels; bad input names the field and creates nothing', async () => {
  const t = await tenant();
  const other = await tenant();
  const pending = await t.channel('pending');
  const blocked = await t.channel('blocked');
  const foreign = await other.channel();
  for (const channelId of [pending, blocked, foreign, 999_999_999]) {
    const r = await t.call('POST', '/v1/kakao/templates', template(channelId));
    assert.equal(r.status, 400, `${channelId}: ${r.text}`);
    assert.equal(r.body.error.code, 'template_channel_unusable');
    assert.equal(r.body.error.field, 'channelId');
  }
  const channelId = await t.channel();
  const cases: [unknown, string][] = [
    [{ ...template(channelId), body: '#{}' }, 'body'],
    [{ ...template(channelId), messageType: 'XX' }, 'messageType'],
    [{ ...template(channelId), items: [{ title: '상품', description: 'x' }] }, 'items'],
    [{ ...template(channelId), buttons: [{ type: 'WL', name: '조회', linkMo: 'https://x.kr' }, { type: 'WL', name: '조회', linkMo: 'ftp://x.kr' }] }, 'buttons[1].linkMo'],
    [{ ...template(channelId), code: 'bad code' }, 'code'],
    [{ ...template(channelId), unknown: 1 }, 'unknown'],
  ];
  for (const [body, field] of cases) {
    const r = await t.call('POST', '/v1/kakao/templates', body);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.field, field, r.text);
  }
  assert.deepEqual((await t.call('GET', '/v1/kakao/templates')).body.data, []);

  // a channel blocked after the template was written: the template cannot be submitted
  const made = await t.call('POST', '/v1/kakao/templates', template(channelId));
  assert.equal(made.status, 201, made.text);
  await sys.database.pool.query(`UPDATE kakao_channels SET state = 'blocked' WHERE id = $1`, [channelId]);
  const submit = await t.call('POST', `/v1/kakao/templates/${made.body.id}/submit`);
  assert.equal(submit.status, 400, submit.text);
  assert.equal(submit.body.error.code, 'template_channel_unusable');
  assert.equal(submit.body.error.field, 'channelId');
  assert.equal((await t.call('GET', `/v1/kakao/templates/${made.body.id}`)).body.state, 'REG');
});

test('another partner sees 404 for every template route', async () => {
  const t = await tenant();
  const intruder = await tenant();
  const id = (await t.call('POST', '/v1/kakao/templates', template(await t.channel()))).body.id as number;
  for (const [method, path, json] of [
    ['GET', `/v1/kakao/templates/${id}`, undefined],
    ['PUT', `/v1/kakao/templates/${id}`, { name: '가로채기', body: '본문' }],
    ['POST', `/v1/kakao/templates/${id}/submit`, undefined],
    ['DELETE', `/v1/kakao/templates/${id}`, undefined],
  ] as const) {
    const r = await intruder.call(method, path, json);
    assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
    assert.equal(r.body.error.code, 'template_not_found');
  }
  assert.deepEqual((await intruder.call('GET', '/v1/kakao/templates')).body.data, []);
  const mine = await t.call('GET', `/v1/kakao/templates/${id}`);
  assert.equal(mine.body.state, 'REG');
  assert.equal(mine.body.name, '주문 완료 안내');
  assert.equal((await request(sys.url, 'GET', '/v1/kakao/templates')).status, 401);
});

test('dormancy: a year without a send (from approval, or from the last use) → dormant and refused', async () => {
  const t = await tenant();
  const channelId = await t.channel();
  const approve = async (code: string) => {
    const id = (await t.call('POST', '/v1/kakao/templates', template(channelId, code))).body.id as number;
    await t.call('POST', `/v1/kakao/templates/${id}/submit`);
    assert.equal((await operator('POST', `/v1/operator/kakao/templates/${id}/approve`)).status, 200);
    return id;
  };
  const start = clock.now();
  const idle = await approve('IDLE');
  const used = await approve('USED');
  const pendingId = (await t.call('POST', '/v1/kakao/templates', template(channelId, 'PENDING'))).body.id as number;

  clock.advance(200 * 86_400_000);
  await touchTemplate(sys.ctx, { templateId: used });
  // touching a template that is not approved is refused
  assert.equal((await refusal(touchTemplate(sys.ctx, { templateId: pendingId }))).code, 'template_state_conflict');

  // one second short of a year since approval: nothing yet
  clock.set(new Date(Date.UTC(start.getUTCFullYear() + 1, start.getUTCMonth(), start.getUTCDate(), start.getUTCHours()) - 1000));
  assert.deepEqual((await markDormantTemplates(sys.ctx)).marked.filter((x) => x === idle || x === used), []);

  clock.advance(1000);
  const first = (await markDormantTemplates(sys.ctx)).marked;
  assert.ok(first.includes(idle), `marked ${first}`);
  assert.ok(!first.includes(used) && !first.includes(pendingId));
  const shown = await t.call('GET', `/v1/kakao/templates/${idle}`);
  assert.equal(shown.body.dormant, true);
  assert.equal(shown.body.state, 'APR');
  assert.equal(shown.body.dormantAt, clock.now().toISOString());
  assert.equal((await refusal(approvedTemplateFor(sys.ctx, t.partnerId, channelId, 'IDLE'))).code, 'template_dormant');
  assert.equal((await approvedTemplateFor(sys.ctx, t.partnerId, channelId, 'USED')).id, used);
  // marking again does not touch it twice
  assert.ok(!(await markDormantTemplates(sys.ctx)).marked.includes(idle));

  // a year after its last use the used one sleeps too; the REG one never does
  clock.advance(200 * 86_400_000);
  const second = (await markDormantTemplates(sys.ctx)).marked;
  assert.ok(second.includes(used), `marked ${second}`);
  assert.equal((await t.call('GET', `/v1/kakao/templates/${pendingId}`)).body.dormant, false);
});
