// Messaging senders over real HTTP: sender numbers (register with proof → pending → operator review) and Kakao
// channels (register → token from the simulator → confirm → senderKey), each test with its own partner.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { makePartner, operatorClient, request, type Answer } from './portal-support.ts';
import { assertUsableSenderNumber } from '../../src/modules/messaging/assert-usable-sender-number.ts';
import { AppError } from '../../src/platform/errors.ts';

let sys: TestSystem;
before(async () => {
  sys = await startTestSystem();
});
after(async () => {
  await sys?.close();
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1');
const proof = (content: Buffer = PDF, fileName = '통신서비스이용증명원.pdf') => ({ fileName, data: content.toString('base64') });

/** A partner of its own with an Access Key usable from 127.0.0.1. */
async function partner(): Promise<{ partnerId: number; call: (method: string, path: string, json?: unknown, headers?: Record<string, string>) => Promise<Answer> }> {
  const op = await operatorClient(sys);
  const p = await makePartner(sys, op);
  const key = await p.client.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.1'] } });
  assert.equal(key.status, 201, key.text);
  const accessKey = key.body.accessKey as string;
  return {
    partnerId: p.partnerId,
    call: (method, path, json, headers = {}) => request(sys.url, method, path, { ...(json === undefined ? {} : { json }), headers: { authorization: `Bearer ${accessKey}`, ...headers } }),
  };
}

const operator = (method: string, path: string, json?: unknown) =>
  request(sys.url, method, path, { ...(json === undefined ? {} : { json }), headers: { authorization: `Bearer ${sys.operatorToken}` } });

async function usable(partnerId: number, number: string): Promise<boolean> {
  try {
    await assertUsableSenderNumber(sys.ctx, partnerId, number);
    return true;
  } catch (err) {
    assert.ok(err instanceof AppError && err.code === 'sender_number_not_registered' && err.field === 'from', String(err));
    return false;
  }
}

test('sender number: register → pending (unusable) → approve → usable; delete → unusable, registrable again', async () => {
  const p = await partner();
  const reg = await p.call('POST', '/v1/sender-numbers', { number: '0212345678', memo: '대표번호', proof: proof() }, { 'idempotency-key': 'sn-1' });
  assert.equal(reg.status, 201, reg.text);
  assert.equal(reg.body.state, 'pending');
  assert.equal(reg.body.kind, 'landline');
  assert.deepEqual(reg.body.proof, { fileName: '통신서비스이용증명원.pdf', contentType: 'application/pdf', sizeBytes: PDF.length });
  const again = await p.call('POST', '/v1/sender-numbers', { number: '0212345678', memo: '대표번호', proof: proof() }, { 'idempotency-key': 'sn-1' });
  assert.equal(again.body.id, reg.body.id, 'an Idempotency-Key repeat answers the first registration');
  assert.equal(await usable(p.partnerId, '0212345678'), false, 'pending is not usable');

  const dup = await p.call('POST', '/v1/sender-numbers', { number: '0212345678', proof: proof() });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, 'sender_number_exists');
  assert.equal(dup.body.error.field, 'number');

  const queue = await operator('GET', '/v1/operator/sender-numbers?state=pending');
  assert.equal(queue.status, 200, queue.text);
  assert.ok(queue.body.data.some((s: { id: number; partnerId: number }) => s.id === reg.body.id && s.partnerId === p.partnerId));
  const file = await operator('GET', `/v1/operator/sender-numbers/${reg.body.id}/proof`);
  assert.equal(file.status, 200);
  assert.equal(file.headers['content-type'], 'application/pdf');
  assert.equal(file.text, PDF.toString('latin1'));

  const ok = await operator('POST', `/v1/operator/sender-numbers/${reg.body.id}/approve`, {});
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.state, 'approved');
  assert.equal(await usable(p.partnerId, '0212345678'), true);
  assert.equal(await usable(p.partnerId, '0212345679'), false, 'another number is not usable');
  const twice = await operator('POST', `/v1/operator/sender-numbers/${reg.body.id}/reject`, { comment: '늦은 거절' });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.code, 'sender_number_state_conflict');

  const list = await p.call('GET', '/v1/sender-numbers');
  assert.deepEqual(list.body.data.map((s: { id: number; state: string }) => [s.id, s.state]), [[reg.body.id, 'approved']]);

  const del = await p.call('DELETE', `/v1/sender-numbers/${reg.body.id}`);
  assert.equal(del.status, 204);
  assert.equal(await usable(p.partnerId, '0212345678'), false, 'a deleted number is not usable');
  assert.deepEqual((await p.call('GET', '/v1/sender-numbers')).body.data, []);
  const row = await sys.ctx.db.selectFrom('sender_numbers').select(['deleted_at']).where('id', '=', reg.body.id).executeTakeFirstOrThrow();
  assert.ok(row.deleted_at, 'the registration is kept (soft delete) for the messages that reference it');
  const re = await p.call('POST', '/v1/sender-numbers', { number: '0212345678', proof: proof() });
  assert.equal(re.status, 201, re.text);
});

test('sender number: reject with a comment (required), the partner reads it; the number is not usable', async () => {
  const p = await partner();
  const reg = await p.call('POST', '/v1/sender-numbers', { number: '01012345678', proof: proof(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64)]), 'id.jpg') });
  assert.equal(reg.status, 201, reg.text);
  assert.equal(reg.body.proof.contentType, 'image/jpeg');
  const noComment = await operator('POST', `/v1/operator/sender-numbers/${reg.body.id}/reject`, {});
  assert.equal(noComment.status, 400);
  assert.equal(noComment.body.error.field, 'comment');
  const rej = await operator('POST', `/v1/operator/sender-numbers/${reg.body.id}/reject`, { comment: '증빙 서류의 명의가 다릅니다' });
  assert.equal(rej.status, 200, rej.text);
  assert.equal(rej.body.state, 'rejected');
  const mine = await p.call('GET', '/v1/sender-numbers?state=rejected');
  assert.equal(mine.body.data[0].reviewComment, '증빙 서류의 명의가 다릅니다');
  assert.equal(await usable(p.partnerId, '01012345678'), false);
  // a rejected registration is not live: the number may be registered again with a better proof
  assert.equal((await p.call('POST', '/v1/sender-numbers', { number: '01012345678', proof: proof() })).status, 201);
});

test('sender number: bad input is refused naming the field, nothing stored; another partner gets 404', async () => {
  const p = await partner();
  const cases: [unknown, number, string, string][] = [
    [{ number: '02-1234-5678', proof: proof() }, 400, 'field_invalid', 'number'],
    [{ number: '112', proof: proof() }, 400, 'field_invalid', 'number'],
    [{ number: '0212345678', proof: proof(Buffer.from('GIF89a not a pdf', 'latin1'), 'a.pdf') }, 400, 'proof_document_invalid', 'proof.data'],
    [{ number: '0212345678', proof: proof(Buffer.from('PK\u0003\u0004 zip', 'latin1'), 'a.png') }, 400, 'proof_document_invalid', 'proof.data'],
    [{ number: '0212345678', proof: { fileName: 'a.pdf', data: '!!!' } }, 400, 'field_invalid', 'proof.data'],
  ];
  for (const [body, status, code, field] of cases) {
    const r = await p.call('POST', '/v1/sender-numbers', body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
    assert.equal(r.body.error.code, code);
    assert.equal(r.body.error.field, field);
  }
  const stored = await sys.ctx.db.selectFrom('sender_numbers').select('id').where('partner_id', '=', p.partnerId).execute();
  assert.equal(stored.length, 0);

  const reg = await p.call('POST', '/v1/sender-numbers', { number: '15881234', proof: proof() });
  assert.equal(reg.status, 201);
  const other = await partner();
  const del = await other.call('DELETE', `/v1/sender-numbers/${reg.body.id}`);
  assert.equal(del.status, 404);
  assert.equal(del.body.error.code, 'sender_number_not_found');
  assert.deepEqual((await other.call('GET', '/v1/sender-numbers')).body.data, []);
  await operator('POST', `/v1/operator/sender-numbers/${reg.body.id}/approve`, {});
  assert.equal(await usable(other.partnerId, '15881234'), false, "another partner's approved number is not usable");
  assert.equal(await usable(p.partnerId, '15881234'), true);

  assert.equal((await request(sys.url, 'GET', '/v1/sender-numbers')).status, 401);
  assert.equal((await request(sys.url, 'GET', '/v1/operator/sender-numbers', { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } })).status, 401);
});

test('Kakao channel: register → token from the simulator → wrong token refused → confirm → 40-character senderKey, active; operator blocks', async () => {
  const p = await partner();
  const searchId = `@hb${Date.now().toString(36)}`;
  const reg = await p.call('POST', '/v1/kakao/channels', { searchId, adminPhone: '01087654321', categoryCode: '00100010001' }, { 'idempotency-key': 'ch-1' });
  assert.equal(reg.status, 201, reg.text);
  assert.equal(reg.body.state, 'pending');
  assert.equal(reg.body.senderKey, null);
  const token = sys.kakao.simulator!.latestToken(searchId, '01087654321');
  assert.match(token ?? '', /^\d{6}$/);

  const wrongToken = token === '000000' ? '111111' : '000000';
  const wrong = await p.call('POST', `/v1/kakao/channels/${reg.body.id}/confirm`, { token: wrongToken });
  assert.equal(wrong.status, 400, wrong.text);
  assert.equal(wrong.body.error.code, 'kakao_token_mismatch');
  assert.equal(wrong.body.error.field, 'token');
  assert.equal((await p.call('GET', '/v1/kakao/channels')).body.data[0].tokenAttemptsLeft, 4, 'the wrong try is counted');

  const other = await partner();
  const foreign = await other.call('POST', `/v1/kakao/channels/${reg.body.id}/confirm`, { token });
  assert.equal(foreign.status, 404);
  assert.equal(foreign.body.error.code, 'kakao_channel_not_found');

  const ok = await p.call('POST', `/v1/kakao/channels/${reg.body.id}/confirm`, { token });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.state, 'active');
  assert.match(ok.body.senderKey, /^[0-9A-Za-z]{40}$/);
  const again = await p.call('POST', `/v1/kakao/channels/${reg.body.id}/confirm`, { token });
  assert.equal(again.status, 409);

  const dup = await p.call('POST', '/v1/kakao/channels', { searchId: searchId.toUpperCase().replace('@HB', '@hb'), adminPhone: '01087654321', categoryCode: '00100010001' });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.field, 'searchId');

  const block = await operator('POST', `/v1/operator/kakao/channels/${reg.body.id}/state`, { state: 'blocked', comment: '스팸 신고' });
  assert.equal(block.status, 200, block.text);
  assert.equal(block.body.state, 'blocked');
  const listed = (await p.call('GET', '/v1/kakao/channels')).body.data[0];
  assert.equal(listed.state, 'blocked');
  assert.equal(listed.stateComment, '스팸 신고');
  assert.equal(listed.senderKey, ok.body.senderKey);
  assert.equal((await operator('POST', `/v1/operator/kakao/channels/${reg.body.id}/state`, { state: 'active' })).body.state, 'active');
  const pendingOne = await p.call('POST', '/v1/kakao/channels', { searchId: `${searchId}2`, adminPhone: '01087654321', categoryCode: '00100010001' });
  const refused = await operator('POST', `/v1/operator/kakao/channels/${pendingOne.body.id}/state`, { state: 'dormant' });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, 'kakao_channel_state_conflict');
});

test('Kakao channel: five wrong tokens lock it until a new token is requested; bad input and Kakao refusals name the field', async () => {
  const p = await partner();
  const searchId = `@lock${Date.now().toString(36)}`;
  const reg = await p.call('POST', '/v1/kakao/channels', { searchId, adminPhone: '01055556666', categoryCode: '00100010001' });
  assert.equal(reg.status, 201, reg.text);
  const token = sys.kakao.simulator!.latestToken(searchId)!;
  const wrongToken = token === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) assert.equal((await p.call('POST', `/v1/kakao/channels/${reg.body.id}/confirm`, { token: wrongToken })).status, 400);
  const locked = await p.call('POST', `/v1/kakao/channels/${reg.body.id}/confirm`, { token });
  assert.equal(locked.status, 429, locked.text);
  assert.equal(locked.body.error.code, 'kakao_token_attempts_exceeded');
  const resend = await p.call('POST', `/v1/kakao/channels/${reg.body.id}/token`);
  assert.equal(resend.status, 200, resend.text);
  assert.equal(resend.body.tokenAttemptsLeft, 5);
  const fresh = sys.kakao.simulator!.latestToken(searchId)!;
  if (fresh !== token) {
    const old = await p.call('POST', `/v1/kakao/channels/${reg.body.id}/confirm`, { token });
    assert.equal(old.status, 400, 'the previous token is void');
  }
  assert.equal((await p.call('POST', `/v1/kakao/channels/${reg.body.id}/confirm`, { token: fresh })).body.state, 'active');

  const bad: [unknown, string, string][] = [
    [{ searchId: 'nohash', adminPhone: '01055556666', categoryCode: '00100010001' }, 'field_invalid', 'searchId'],
    [{ searchId: `@${'x'.repeat(31)}`, adminPhone: '01055556666', categoryCode: '00100010001' }, 'field_invalid', 'searchId'],
    [{ searchId: '@okchannel', adminPhone: '0212345678', categoryCode: '00100010001' }, 'field_invalid', 'adminPhone'],
    [{ searchId: '@okchannel', adminPhone: '01055556666', categoryCode: '123' }, 'field_invalid', 'categoryCode'],
    [{ searchId: '@unknownchannel', adminPhone: '01055556666', categoryCode: '00100010001' }, 'kakao_channel_refused', 'searchId'],
    [{ searchId: '@okchannel', adminPhone: '01055550000', categoryCode: '00100010001' }, 'kakao_channel_refused', 'adminPhone'],
  ];
  for (const [body, code, field] of bad) {
    const r = await p.call('POST', '/v1/kakao/channels', body);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.code, code);
    assert.equal(r.body.error.field, field);
  }
  assert.equal((await p.call('GET', '/v1/kakao/channels')).body.data.length, 1, 'nothing stored by a refused registration');
});

test('GET /dev/kakao/tokens answers loopback callers only', async () => {
  const p = await partner();
  const searchId = `@dev${Date.now().toString(36)}`;
  assert.equal((await p.call('POST', '/v1/kakao/channels', { searchId, adminPhone: '01011112222', categoryCode: '00100010001' })).status, 201);
  const local = await request(sys.url, 'GET', `/dev/kakao/tokens?searchId=${encodeURIComponent(searchId)}`);
  assert.equal(local.status, 200, local.text);
  assert.equal(local.body.data.length, 1);
  assert.equal(local.body.data[0].token, sys.kakao.simulator!.latestToken(searchId));
  const remote = await sys.app!.inject({ method: 'GET', url: '/dev/kakao/tokens', remoteAddress: '203.0.113.5' });
  assert.equal(remote.statusCode, 403);
  assert.ok(!remote.body.includes(local.body.data[0].token), 'no token is shown to a remote caller');
});
