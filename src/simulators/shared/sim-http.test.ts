import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonObject } from './sim-http.ts';
import { startBankSimulator } from '../bank/bank-simulator.ts';
import { startCarrierSimulator } from '../carrier/carrier-simulator.ts';
import { startNtsSimulator } from '../nts/nts-simulator.ts';

test('parseJsonObject: an object, {} for an empty body, undefined for anything else', () => {
  assert.deepEqual(parseJsonObject(Buffer.from('{"a":1}')), { a: 1 });
  assert.deepEqual(parseJsonObject(''), {});
  for (const bad of ['{bad', '[]', 'null', '3', '"x"']) assert.equal(parseJsonObject(bad), undefined, bad);
});

test('every simulator answers a malformed PUT /_sim/faults with 400 and keeps its faults', async () => {
  const sims = [await startBankSimulator({ noticeSecret: 'x'.repeat(20) }), await startCarrierSimulator({ reportSecret: 'x'.repeat(20) }), await startNtsSimulator()];
  try {
    for (const sim of sims) {
      const before = await (await fetch(`${sim.url}/_sim/faults`, { method: 'PUT', body: '{}' })).json();
      for (const bad of ['{bad', '[1]']) {
        const res = await fetch(`${sim.url}/_sim/faults`, { method: 'PUT', body: bad });
        assert.equal(res.status, 400, `${sim.constructor.name} ${bad}`);
      }
      assert.deepEqual(await (await fetch(`${sim.url}/_sim/faults`, { method: 'PUT', body: '{}' })).json(), before);
    }
  } finally {
    for (const sim of sims) await sim.close();
  }
});
