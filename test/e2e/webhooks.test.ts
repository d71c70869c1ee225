// Signed webhooks end to end (issue 14 item 2, docs/webhooks.md): a real receiver over HTTP, the dispatcher loop and
// the deliver lane of a started system, time moved with a ManualClock where retries span it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSystem } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { verifyWebhookSignature, signatureOf } from '../../src/modules/webhooks/webhook-signature.ts';
import { deliveriesOf, emit, registerEndpoint, startReceiver, startWebhookSystem, webhookPartner, type Receiver } from './webhooks-support.ts';

let sys: TestSystem;
const clock = new ManualClock(new Date());
const receivers: Receiver[] = [];
before(async () => {
  sys = await startWebhookSystem({}, { clock });
});
after(async () => {
  for (const r of receivers) await r.close();
  await sys.close();
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

const uniq = (p: string) => `${p}${Math.random().toString(36).slice(2, 10)}`;
const v1s = (header: string) => header.split(',').filter((p) => p.startsWith('v1=')).map((p) => p.slice(3));

describe('webhooks', () => {
  test('a receiver gets every subscribed event of a flow exactly once per delivery id, signed, with the documented headers and body', async () => {
    const p = await webhookPartner(sys);
    const other = await webhookPartner(sys);
    const rcv = await receiver();
    const ep = await registerEndpoint(p, rcv.url, ['document.issued', 'document.mailed', 'document.cancelled']);
    assert.match(ep.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.match(ep.id, /^we_[0-9a-f]{24}$/);
    const listed = await p.call('GET', '/v1/webhook-endpoints');
    assert.equal(listed.body.data.length, 1);
    assert.equal(listed.body.data[0].secret, undefined, 'the secret is shown only once');
    assert.equal(listed.body.data[0].state, 'enabled');
    assert.equal(listed.body.data[0].enabled, true);
    assert.equal((await p.call('GET', `/v1/webhook-endpoints/${ep.id}`)).body.secret, undefined);

    const a = uniq('A');
    const b = uniq('B');
    await emit(sys, p.partnerId, [
      { type: 'document.issued', objectId: a, data: { total: 110000 } },
      { type: 'document.issued', objectId: b },
      { type: 'nts_filing.queued', objectId: a }, // not subscribed
    ]);
    await emit(sys, p.partnerId, [{ type: 'document.mailed', objectId: a }, { type: 'document.cancelled', objectId: b, state: 'C' }]);
    await emit(sys, other.partnerId, [{ type: 'document.issued', objectId: uniq('X') }]); // another partner's
    await waitFor(() => rcv.requests.length, (n) => n >= 4, { what: 'four deliveries' });
    await waitFor(() => deliveriesOf(p, ep.id), (ds) => ds.length === 4 && ds.every((d) => d.state === 'succeeded'), { what: 'four succeeded deliveries' });
    await new Promise((r) => setTimeout(r, 300)); // a duplicate, if any, would arrive now
    assert.equal(rcv.requests.length, 4, 'exactly once each');

    const ids = rcv.requests.map((r) => r.headers['hanbill-delivery']);
    assert.equal(new Set(ids).size, 4, 'one delivery id per event');
    for (const r of rcv.requests) {
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['user-agent'], 'Hanbill-Webhooks/1');
      const sig = r.headers['hanbill-signature'] as string;
      assert.match(sig, /^t=\d+,v1=[0-9a-f]{64}$/);
      assert.deepEqual(verifyWebhookSignature({ body: r.body, header: sig, secrets: [ep.secret] }).ok, true);
      assert.equal(verifyWebhookSignature({ body: r.body + ' ', header: sig, secrets: [ep.secret] }).ok, false, 'a changed body does not verify');
      const event = JSON.parse(r.body);
      assert.equal(r.headers['hanbill-event'], event.type);
      assert.deepEqual(Object.keys(event), ['id', 'type', 'occurredAt', 'subscriptionId', 'object', 'data']);
      assert.match(event.occurredAt, /\+09:00$/);
    }
    const got = rcv.requests.map((r) => JSON.parse(r.body)).map((e) => `${e.type}:${e.object.id}`);
    assert.deepEqual(new Set(got), new Set([`document.issued:${a}`, `document.issued:${b}`, `document.mailed:${a}`, `document.cancelled:${b}`]));
    assert.ok(got.indexOf(`document.issued:${a}`) < got.indexOf(`document.mailed:${a}`), 'in order per object');
    const issuedA = rcv.requests.map((r) => JSON.parse(r.body)).find((e) => e.object.id === a && e.type === 'document.issued');
    assert.deepEqual(issuedA.data, { total: 110000 });
    assert.equal(issuedA.object.type, 'document');

    const ds = await deliveriesOf(p, ep.id);
    for (const d of ds) {
      assert.equal(d.attempts, 1);
      assert.equal(d.attemptLog.length, 1);
      assert.equal(d.attemptLog[0].status, 200);
      assert.equal(d.attemptLog[0].responseExcerpt, 'ok');
      assert.equal(d.nextAttemptAt, null);
    }
    assert.deepEqual(new Set(ds.map((d) => d.id)), new Set(ids));
  });

  test('a real flow (API keys created, reissued, deleted in the portal): each event once, in order, the body exactly as GET /v1/events shows it', async () => {
    const p = await webhookPartner(sys);
    const rcv = await receiver();
    const ep = await registerEndpoint(p, rcv.url, ['api_key.created', 'api_key.reissued', 'api_key.deleted']);
    const key = await p.member.call('POST', '/v1/portal/api-keys', { json: { ips: ['127.0.0.2'] } });
    assert.equal(key.status, 201, key.text);
    const keyId = String(key.body.key.id);
    assert.equal((await p.member.call('POST', `/v1/portal/api-keys/${keyId}/reissue`)).status, 200);
    assert.equal((await p.member.call('DELETE', `/v1/portal/api-keys/${keyId}`)).status, 200);
    // (the partner's first key, made by webhookPartner at this frozen clock's same instant, counts as after the registration too)
    const ofKey = () => rcv.requests.filter((r) => JSON.parse(r.body).object.id === keyId);
    await waitFor(() => ofKey().length, (n) => n >= 3, { what: 'three deliveries' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(ofKey().length, 3, 'once each');
    const bodies = ofKey().map((r) => JSON.parse(r.body));
    assert.deepEqual(bodies.map((e) => `${e.type}:${e.object.id}:${e.object.state}`), [`api_key.created:${keyId}:active`, `api_key.reissued:${keyId}:active`, `api_key.deleted:${keyId}:deleted`], 'in the order of the changes');
    for (const r of ofKey()) assert.equal(verifyWebhookSignature({ body: r.body, header: r.headers['hanbill-signature'] as string, secrets: [ep.secret] }).ok, true);
    const log = await p.call('GET', `/v1/events?objectType=api_key&objectId=${keyId}`);
    assert.equal(log.status, 200, log.text);
    assert.deepEqual(bodies, log.body.data, 'the same events, field for field, as the event log answers them');
  });

  test('retried after a 500 and after a time-out, with the same delivery id, and not after the success', async () => {
    const p = await webhookPartner(sys);
    const rcv = await receiver((_req, n) => (n === 0 ? { status: 500, body: 'boom'.repeat(200) } : n === 1 ? 'hang' : { status: 204 }));
    const ep = await registerEndpoint(p, rcv.url);
    await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: uniq('R') }]);
    const first = await waitFor(() => deliveriesOf(p, ep.id), (ds) => ds[0]?.attempts === 1, { what: 'the first attempt' });
    assert.equal(first[0].state, 'pending');
    assert.equal(first[0].attemptLog[0].status, 500);
    assert.equal(first[0].attemptLog[0].responseExcerpt.length, 500, 'the excerpt is the first 500 characters');
    assert.ok(first[0].nextAttemptAt, 'a retry is scheduled');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rcv.requests.length, 1, 'the retry waits for its time');

    clock.advance(60_000); // past the first retry (30 s ± 25 %)
    const second = await waitFor(() => deliveriesOf(p, ep.id), (ds) => ds[0]?.attempts === 2, { what: 'the time-out attempt' });
    assert.equal(second[0].attemptLog[1].status, null);
    assert.match(second[0].attemptLog[1].error, /timed out/);
    assert.ok(second[0].attemptLog[1].durationMs >= 350, 'it waited for the configured time-out');

    clock.advance(120_000); // past the second retry (1 min ± 25 %)
    const third = await waitFor(() => deliveriesOf(p, ep.id), (ds) => ds[0]?.state === 'succeeded', { what: 'the successful attempt' });
    assert.equal(third[0].attempts, 3);
    assert.deepEqual(third[0].attemptLog.map((a: any) => a.status), [500, null, 204]);
    clock.advance(3_600_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(rcv.requests.length, 3, 'no attempt after the success');
    assert.equal(new Set(rcv.requests.map((r) => r.headers['hanbill-delivery'])).size, 1, 'the same delivery id on every attempt');
    const ep2 = await p.call('GET', `/v1/webhook-endpoints/${ep.id}`);
    assert.equal(ep2.body.failingSince, null, 'a success ends the failure streak');
  });

  test('a secret rotation: deliveries carry both signatures (new first) until the old secret expires', async () => {
    const p = await webhookPartner(sys);
    const rcv = await receiver();
    const ep = await registerEndpoint(p, rcv.url);
    const rot = await p.call('POST', `/v1/webhook-endpoints/${ep.id}/rotate-secret`, { expiresInHours: 2 });
    assert.equal(rot.status, 200, rot.text);
    assert.match(rot.body.secret, /^whsec_/);
    assert.notEqual(rot.body.secret, ep.secret);
    assert.match(rot.body.previousSecretExpiresAt, /\+09:00$/);
    await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: uniq('S') }]);
    await waitFor(() => rcv.requests.length, (n) => n === 1, { what: 'the delivery' });
    const r = rcv.requests[0]!;
    const header = r.headers['hanbill-signature'] as string;
    const t = Number(/^t=(\d+)/.exec(header)![1]);
    assert.deepEqual(v1s(header), [signatureOf(rot.body.secret, t, r.body), signatureOf(ep.secret, t, r.body)], 'new first, then the previous');
    assert.equal(verifyWebhookSignature({ body: r.body, header, secrets: [ep.secret] }).ok, true, 'a receiver still on the old secret verifies');
    assert.equal(verifyWebhookSignature({ body: r.body, header, secrets: [rot.body.secret] }).ok, true, 'a receiver on the new secret verifies');

    clock.advance(3 * 3_600_000);
    await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: uniq('S') }]);
    await waitFor(() => rcv.requests.length, (n) => n === 2, { what: 'the delivery after the expiry' });
    const later = rcv.requests[1]!;
    assert.equal(v1s(later.headers['hanbill-signature'] as string).length, 1);
    assert.equal(verifyWebhookSignature({ body: later.body, header: later.headers['hanbill-signature'] as string, secrets: [ep.secret] }).ok, false);
    assert.equal(verifyWebhookSignature({ body: later.body, header: later.headers['hanbill-signature'] as string, secrets: [rot.body.secret] }).ok, true);
    assert.equal((await p.call('POST', `/v1/webhook-endpoints/${ep.id}/rotate-secret`, { expiresInHours: 169 })).status, 400);
  });

  test('redirects are not followed: a 3xx is a failed attempt', async () => {
    const p = await webhookPartner(sys);
    const rcv = await receiver((req) => (req.path === '/hooks' ? { status: 302, headers: { location: '/elsewhere' } } : { status: 200 }));
    const ep = await registerEndpoint(p, rcv.url);
    await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: uniq('D') }]);
    const ds = await waitFor(() => deliveriesOf(p, ep.id), (d) => d[0]?.attempts === 1, { what: 'the attempt' });
    assert.equal(ds[0].state, 'pending');
    assert.equal(ds[0].attemptLog[0].status, 302);
    assert.match(ds[0].attemptLog[0].error, /redirect not followed/);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(rcv.requests.map((r) => r.path), ['/hooks'], 'the Location was never requested');
  });

  test('order per object: a failed first delivery holds the object’s next one until it succeeds; other objects go on', async () => {
    const p = await webhookPartner(sys);
    let failFirst = true;
    const rcv = await receiver((req) => {
      const e = JSON.parse(req.body);
      if (failFirst && e.type === 'document.issued' && e.object.id.startsWith('O1')) {
        failFirst = false;
        return { status: 503 };
      }
      return { status: 200 };
    });
    const ep = await registerEndpoint(p, rcv.url);
    const o1 = uniq('O1');
    const o2 = uniq('O2');
    await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: o1 }]);
    await emit(sys, p.partnerId, [{ type: 'document.mailed', objectId: o1 }, { type: 'document.issued', objectId: o2 }]);
    await emit(sys, p.partnerId, [{ type: 'document.cancelled', objectId: o1, state: 'C' }]);
    await waitFor(() => rcv.requests.map((r) => JSON.parse(r.body).object.id), (ids) => ids.includes(o2), { what: 'the other object delivered' });
    await new Promise((r) => setTimeout(r, 300));
    const o1Seen = () => rcv.requests.map((r) => JSON.parse(r.body)).filter((e) => e.object.id === o1).map((e) => e.type);
    assert.deepEqual(o1Seen(), ['document.issued'], 'the next deliveries of the object wait behind the failed one');

    clock.advance(60_000);
    await waitFor(o1Seen, (s) => s.length === 4, { what: 'the object’s deliveries after the retry' });
    assert.deepEqual(o1Seen(), ['document.issued', 'document.issued', 'document.mailed', 'document.cancelled']);
  });

  test('after 3 days a delivery fails for good and an endpoint failing as long is disabled, its owner mailed; enabled again, the object\'s next delivery goes', async () => {
    const p = await webhookPartner(sys);
    let up = false;
    const rcv = await receiver(() => ({ status: up ? 200 : 500 }));
    const ep = await registerEndpoint(p, rcv.url);
    const f = uniq('F');
    await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: f }]);
    await emit(sys, p.partnerId, [{ type: 'document.mailed', objectId: f }]);
    const of = (ds: any[], type: string) => ds.find((d) => d.eventType === type);
    await waitFor(() => deliveriesOf(p, ep.id), (d) => of(d, 'document.issued')?.attempts === 1, { what: 'the first attempt' });
    const failingSince = (await p.call('GET', `/v1/webhook-endpoints/${ep.id}`)).body.failingSince;
    assert.match(failingSince, /\+09:00$/);
    let attempts = 1;
    for (let i = 0; i < 40; i++) {
      const e = (await p.call('GET', `/v1/webhook-endpoints/${ep.id}`)).body;
      if (e.state === 'disabled') break;
      clock.advance(11 * 3_600_000); // longer than the longest wait (8 h + 25 %)
      const d = await waitFor(() => deliveriesOf(p, ep.id), (ds) => of(ds, 'document.issued').attempts > attempts || of(ds, 'document.issued').state !== 'pending', { what: 'the next attempt' });
      attempts = of(d, 'document.issued').attempts;
    }
    const settled = await deliveriesOf(p, ep.id);
    assert.equal(of(settled, 'document.issued').state, 'failed', 'failed for good after its 3 days');
    assert.ok(of(settled, 'document.issued').attempts >= 7, `retried at every step of 11 hours over the 3 days (${of(settled, 'document.issued').attempts} attempts)`);
    assert.equal(of(settled, 'document.mailed').state, 'pending');
    assert.equal(of(settled, 'document.mailed').attempts, 0, 'the object\'s next delivery waited behind it');
    const disabled = (await p.call('GET', `/v1/webhook-endpoints/${ep.id}`)).body;
    assert.equal(disabled.state, 'disabled');
    assert.equal(disabled.enabled, false);
    assert.ok(disabled.disabledAt);
    const mail = await sys.mail.catcher!.waitFor((m) => m.subject.includes('웹훅 엔드포인트가 사용 중지') && (m.text ?? '').includes(ep.id), 10_000);
    assert.match(mail.text ?? '', /3일 동안 계속 실패/);
    assert.match(mail.text ?? '', /---\n.*failed for 3 days/s, 'Korean first, then English');
    assert.equal(mail.to[0]!.address.endsWith('@example.kr'), true, "to the partner's portal user");

    // a new event is not fanned out to a disabled endpoint; enabling it clears the streak and resumes
    const before = (await deliveriesOf(p, ep.id)).length;
    await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: uniq('F') }]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await deliveriesOf(p, ep.id)).length, before, 'no delivery for a disabled endpoint');
    up = true;
    const en = await p.call('PATCH', `/v1/webhook-endpoints/${ep.id}`, { enabled: true });
    assert.equal(en.status, 200, en.text);
    assert.equal(en.body.state, 'enabled');
    assert.equal(en.body.failingSince, null);
    const resumed = await waitFor(() => deliveriesOf(p, ep.id), (ds) => of(ds, 'document.mailed').state === 'succeeded', { what: 'the waiting delivery sent once enabled' });
    assert.equal(of(resumed, 'document.mailed').attempts, 1);
    assert.deepEqual(rcv.requests.filter((r) => r.headers['hanbill-event'] === 'document.mailed').length, 1);
  });

  test('redeliver: a new attempt of the same delivery id, whatever its state', async () => {
    const p = await webhookPartner(sys);
    const rcv = await receiver();
    const ep = await registerEndpoint(p, rcv.url);
    await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: uniq('RD') }]);
    const [d] = await waitFor(() => deliveriesOf(p, ep.id), (ds) => ds[0]?.state === 'succeeded', { what: 'the delivery' });
    const r = await p.call('POST', `/v1/webhook-endpoints/${ep.id}/deliveries/${d.id}/redeliver`, undefined, { 'idempotency-key': `rd-${d.id}` });
    assert.equal(r.status, 202, r.text);
    const again = await p.call('POST', `/v1/webhook-endpoints/${ep.id}/deliveries/${d.id}/redeliver`, undefined, { 'idempotency-key': `rd-${d.id}` });
    assert.equal(again.status, 202, 'a retried redeliver is answered again');
    await waitFor(() => deliveriesOf(p, ep.id), (ds) => ds[0].attempts === 2 && ds[0].state === 'succeeded', { what: 'the redelivery' });
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(rcv.requests.length, 2, 'the same Idempotency-Key redelivers once');
    assert.equal(rcv.requests[1]!.headers['hanbill-delivery'], d.id);
    assert.equal(rcv.requests[1]!.body, rcv.requests[0]!.body, 'the same body');
    assert.equal((await p.call('POST', `/v1/webhook-endpoints/${ep.id}/deliveries/whd_${'0'.repeat(32)}/redeliver`)).status, 404);
  });

  test("another partner's endpoint is 404 on every route; at most 10 endpoints; bad input is a 400 naming the field", async () => {
    const p = await webhookPartner(sys);
    const q = await webhookPartner(sys);
    const rcv = await receiver();
    const ep = await registerEndpoint(p, rcv.url);
    await emit(sys, p.partnerId, [{ type: 'document.issued', objectId: uniq('T') }]);
    const [d] = await waitFor(() => deliveriesOf(p, ep.id), (ds) => ds.length === 1, { what: 'a delivery' });
    const base = `/v1/webhook-endpoints/${ep.id}`;
    for (const [method, path, body] of [
      ['GET', base, undefined],
      ['PATCH', base, { enabled: false }],
      ['DELETE', base, undefined],
      ['POST', `${base}/rotate-secret`, {}],
      ['GET', `${base}/deliveries`, undefined],
      ['POST', `${base}/deliveries/${d.id}/redeliver`, undefined],
    ] as const) {
      const r = await q.call(method, path, body);
      assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
      assert.equal(r.body.error.code, 'webhook_endpoint_not_found');
    }
    assert.equal((await q.call('GET', '/v1/webhook-endpoints')).body.data.length, 0);
    assert.equal((await p.call('GET', base)).body.state, 'enabled', 'untouched');

    const bad = await p.call('POST', '/v1/webhook-endpoints', { url: rcv.url, events: [] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'events');
    const notUrl = await p.call('POST', '/v1/webhook-endpoints', { url: 'not a url', events: ['document.issued'] });
    assert.equal(notUrl.status, 400);
    assert.equal(notUrl.body.error.field, 'url');
    const page = await p.call('GET', `${base}/deliveries?cursor=zzz`);
    assert.equal(page.status, 400);

    for (let i = 1; i < 10; i++) await registerEndpoint(p, `${rcv.url}/${i}`);
    const eleventh = await p.call('POST', '/v1/webhook-endpoints', { url: rcv.url, events: ['document.issued'] });
    assert.equal(eleventh.status, 409, eleventh.text);
    assert.equal(eleventh.body.error.code, 'webhook_endpoint_limit_reached');
    assert.equal((await p.call('DELETE', base)).status, 204);
    assert.equal((await p.call('GET', base)).status, 404);
    assert.equal((await p.call('POST', '/v1/webhook-endpoints', { url: rcv.url, events: ['document.issued'] })).status, 201, 'a deleted one frees its place');
  });
});
