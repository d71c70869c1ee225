import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { runBankSim } from './cli.ts';

function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { text: () => string };
  w.text = () => chunks.join('');
  return w;
}

test('hanbill bank-sim --help, and the refusals before it starts', async () => {
  const out = sink();
  assert.equal(await runBankSim(['--help'], out, sink(), {}), 0);
  assert.match(out.text(), /POST \/v1\/virtual-accounts/);
  const err = sink();
  assert.equal(await runBankSim([], sink(), err, {}), 2);
  assert.match(err.text(), /BANK_NOTICE_SECRET/);
  const err2 = sink();
  assert.equal(await runBankSim(['--bank-code', '88'], sink(), err2, { BANK_NOTICE_SECRET: 'x'.repeat(20) }), 2);
  assert.match(err2.text(), /--bank-code/);
  const err3 = sink();
  assert.equal(await runBankSim(['stray'], sink(), err3, {}), 2);
  assert.match(err3.text(), /unexpected argument/);
});
