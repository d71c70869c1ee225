/**
 * An integration with the TypeScript client (clients/typescript), end to end:
 *
 *   1. start a small webhook receiver and register it (POST /v1/webhook-endpoints; the secret is shown once)
 *   2. issue a tax invoice (발행), file it with the NTS (국세청 전송) and wait for the NTS's answer
 *   3. send an SMS (문자) through the partner's approved sender number
 *   4. receive the webhooks of the invoice, each verified with verifyWebhookSignature, and read the same
 *      events from the event log (GET /v1/events), as a client catching up after an outage would
 *
 *   HANBILL_URL=https://… HANBILL_API_KEY=… HANBILL_SUBSCRIPTION_ID=… HANBILL_SVC_KEY=… HANBILL_FROM=0212345678 \
 *     node --import tsx examples/issue-file-send.ts
 *
 * Optional: HANBILL_SMS_TO (default 01012345678), HANBILL_BUYER_BIZNO (default 2048631263),
 * HANBILL_WEBHOOK_HOST / HANBILL_WEBHOOK_PUBLIC_URL (where Hanbill reaches the receiver; default
 * http://127.0.0.1:<port>: the server must allow http and private addresses, HANBILL_WEBHOOK_ALLOW_HTTP=1 and
 * HANBILL_WEBHOOK_ALLOW_PRIVATE=1, as a test server does), HANBILL_EXAMPLE_TIMEOUT_S (default 60).
 * Exits 0 when every step succeeded, 1 on any failure (the step and the error on stderr).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HanbillClient, HanbillError, verifyWebhookSignature, type HanbillEvent } from '../clients/typescript/src/index.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const timeoutMs = Number(process.env['HANBILL_EXAMPLE_TIMEOUT_S'] ?? 60) * 1000;
const client = new HanbillClient({
  baseUrl: required('HANBILL_URL'),
  apiKey: required('HANBILL_API_KEY'),
  subscription: { id: Number(required('HANBILL_SUBSCRIPTION_ID')), serviceKey: required('HANBILL_SVC_KEY') },
});

/** Today in Korea (YYYYMMDD): the write date of the invoice. */
function todayKst(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

interface Received {
  event: HanbillEvent;
  deliveryId: string;
}

/** A webhook receiver: verifies each delivery's signature on the raw body before trusting it; 400 when it fails. */
async function startReceiver(secretOf: () => string | undefined) {
  const received: Received[] = [];
  const rejected: string[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const secret = secretOf();
      const check = secret ? verifyWebhookSignature({ body, header: req.headers['hanbill-signature'] as string | undefined, secrets: [secret] }) : undefined;
      if (!check?.valid) {
        rejected.push(check ? check.reason : 'no secret yet');
        res.writeHead(400).end();
        return;
      }
      received.push({ event: JSON.parse(body.toString('utf8')) as HanbillEvent, deliveryId: String(req.headers['hanbill-delivery']) });
      res.writeHead(204).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, process.env['HANBILL_WEBHOOK_HOST'] ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  return {
    url: process.env['HANBILL_WEBHOOK_PUBLIC_URL'] ?? `http://${address.includes(':') ? `[${address}]` : address}:${port}/hanbill-webhooks`,
    received,
    rejected,
    /** resolves when `ok` holds for what was received, or fails after the time-out */
    async until(ok: (r: Received[]) => boolean, what: string): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!ok(received)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(received.map((r) => r.event.type))}, rejected ${JSON.stringify(rejected)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 500);
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  process.stdout.write(`… ${name}\n`);
  try {
    return await fn();
  } catch (err) {
    const detail = err instanceof HanbillError ? `${err.code}${err.field ? ` (${err.field})` : ''}: ${err.message} [requestId ${err.requestId ?? '-'}]` : (err as Error).message;
    throw new Error(`${name} failed: ${detail}`, { cause: err });
  }
}

async function main(): Promise<void> {
  let secret: string | undefined;
  const receiver = await startReceiver(() => secret);
  let endpointId: string | undefined;
  try {
    const endpoint = await step('register the webhook endpoint', () =>
      client.webhookEndpoints.create({ url: receiver.url, events: ['document.issued', 'nts_filing.succeeded', 'nts_filing.failed', 'message_batch.accepted'], description: 'examples/issue-file-send.ts' }),
    );
    secret = endpoint.secret;
    endpointId = endpoint.id;
    console.log(`  endpoint ${endpoint.id} → ${endpoint.url}`);

    const writeDate = todayKst();
    const doc = await step('issue a tax invoice', () =>
      client.documents.issue({
        kind: 'tax_invoice',
        purpose: 'receipt',
        writeDate,
        buyer: { idType: 'business', id: process.env['HANBILL_BUYER_BIZNO'] ?? '2048631263', name: '(주)예제구매', ceoName: '김구매', contacts: [{ name: '담당자', email: 'buyer@example.kr' }] },
        amounts: { supply: 1_000_000, tax: 100_000, total: 1_100_000 },
        lines: [{ month: Number(writeDate.slice(4, 6)), day: Number(writeDate.slice(6, 8)), name: '소프트웨어 유지보수', supply: 1_000_000, tax: 100_000 }],
      }),
    );
    console.log(`  dockey ${doc.dockey}, 승인번호 ${doc.issueId}`);

    const filing = await step('file it with the NTS', () => client.nts.file([doc.dockey]));
    if (!filing.results[0]?.queued) throw new Error(`the NTS filing was not queued: ${JSON.stringify(filing.results[0])}`);
    const status = await step('wait for the NTS answer', async () => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await client.nts.status(doc.dockey);
        if (s.ntsState === '3' || s.ntsState === '4') return s;
        if (Date.now() > deadline) throw new Error(`still in NTS state ${s.ntsState}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    });
    if (status.ntsState !== '3') throw new Error(`the NTS refused the invoice: ${status.resultCode} ${status.resultMessage}`);
    console.log(`  국세청 전송 성공 (NTS accepted) ${status.resultCode ?? ''}`);

    const sms = await step('send an SMS', () => client.messaging.sms({ from: required('HANBILL_FROM'), to: process.env['HANBILL_SMS_TO'] ?? '01012345678', text: `세금계산서 ${doc.issueId} 발행되었습니다` }));
    if (sms.rejectedCount > 0 || sms.id === null) throw new Error(`the SMS was refused: ${JSON.stringify(sms.rejected)}`);
    console.log(`  message batch ${sms.id}: ${sms.state}`);

    await step('receive the verified webhooks of the invoice', () =>
      receiver.until((r) => ['document.issued', 'nts_filing.succeeded'].every((t) => r.some((x) => x.event.type === t && x.event.object.id === doc.dockey)), 'document.issued and nts_filing.succeeded'),
    );
    for (const r of receiver.received) console.log(`  webhook ${r.deliveryId}: ${r.event.type} ${r.event.object.type} ${r.event.object.id} → ${r.event.object.state} (signature valid)`);

    const logged = await step('read the same events from the event log', async () => {
      const types: string[] = [];
      for await (const e of client.events.iterate({ objectId: doc.dockey })) types.push(e.type);
      return types;
    });
    for (const t of ['document.issued', 'nts_filing.succeeded']) if (!logged.includes(t)) throw new Error(`the event log lacks ${t}: ${logged.join(', ')}`);
    console.log(`  event log: ${logged.join(' → ')}`);
  } finally {
    if (endpointId) await client.webhookEndpoints.delete(endpointId).catch((err: unknown) => console.error(`could not delete the endpoint: ${(err as Error).message}`));
    await receiver.close();
  }
  console.log('ok');
}

main().catch((err: unknown) => {
  console.error(`example failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
