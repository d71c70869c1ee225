// Message outcome metrics (issue 15 item 3), counted when the recipients are made final: an AlimTalk batch with one
// recipient the carrier simulator delivers and one it refuses (3015, no fallback) counts one delivered and one
// failed alimtalk. The counters are this process's (each test file runs in its own process, with one system).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePrivateDatabase, type PrivateDatabase } from '../support/private-database.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';
import { waitFor } from '../support/wait-for.ts';
import { metrics } from '../../src/platform/metrics.ts';
import { batchRow, orderVariables, sendBatch } from './messaging-delivery-support.ts';
import { sender, type Sender } from './messaging-send-support.ts';

let privateDb: PrivateDatabase;
let sys: TestSystem;
let s: Sender;
before(async () => {
  privateDb = await usePrivateDatabase('obsmsg');
  sys = await startTestSystem({ HANBILL_CARRIER_SIM_DELAY_MS: '20' });
  s = await sender(sys);
});
after(async () => {
  await sys?.close();
  await privateDb?.drop();
});

test('one AlimTalk delivered and one refused: messages_total{kind="alimtalk"} delivered +1, failed +1', { timeout: 60_000 }, async () => {
  const delivered = { kind: 'alimtalk', outcome: 'delivered' };
  const failed = { kind: 'alimtalk', outcome: 'failed' };
  const before = [metrics.value('hanbill_messages_total', delivered), metrics.value('hanbill_messages_total', failed)];
  const b = await sendBatch(s, { type: 'alimtalk', channelId: s.channelId, templateCode: s.templateCode, recipients: [{ to: '01012340001', variables: orderVariables(1) }, { to: '01099993015', variables: orderVariables(2) }] });
  const batch = await waitFor(() => batchRow(sys, b), (r) => r.state === 'done', { what: 'the batch to be done', timeoutMs: 30_000 });
  assert.deepEqual([batch.success, batch.failure], [1, 1]);
  assert.deepEqual([metrics.value('hanbill_messages_total', delivered) - before[0]!, metrics.value('hanbill_messages_total', failed) - before[1]!], [1, 1]);
});
