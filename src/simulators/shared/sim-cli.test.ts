import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { runSimCommand, SimOptionError, type SimOptions } from './sim-cli.ts';
import { runCarrierSim } from '../carrier/cli.ts';
import { runNtsSim } from '../nts/cli.ts';

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

test('options: --name value, --name=value, repeated, flags; a refused value names its option (exit 2, nothing started)', async () => {
  let seen: SimOptions | undefined;
  const command = {
    name: 'x-sim',
    usage: 'usage: hanbill x-sim\n',
    flags: ['quiet'],
    start: async (o: SimOptions) => {
      seen = o;
      o.num('rate', 0, 1);
      throw new SimOptionError('stop here');
    },
    listening: (url: string) => url,
  };
  const err = sink();
  assert.equal(await runSimCommand(command, ['--port', '8', '--host=::1', '--id', 'a', '--id=b', '--quiet'], sink(), err), 2);
  assert.equal(err.text(), 'hanbill x-sim: stop here\n');
  assert.equal(seen!.num('port', 0, 65535), 8);
  assert.equal(seen!.one('host'), '::1');
  assert.deepEqual(seen!.all('id'), ['a', 'b']);
  assert.equal(seen!.one('id'), 'b');
  assert.ok(seen!.has('quiet'));
  assert.equal(seen!.num('absent', 7), 7);
  for (const bad of ['2', '-1', 'x', '']) {
    const e = sink();
    assert.equal(await runSimCommand(command, [`--rate=${bad}`], sink(), e), 2);
    assert.match(e.text(), /^hanbill x-sim: --rate: expected a number from 0 to 1\n$/);
  }
  const e2 = sink();
  assert.equal(await runSimCommand(command, ['--port'], sink(), e2), 2);
  assert.match(e2.text(), /--port needs a value/);
});

test('hanbill carrier-sim and nts-sim: --help, and a bad option said before anything starts', async () => {
  const out = sink();
  assert.equal(await runCarrierSim(['--help'], out, sink(), {}), 0);
  assert.match(out.text(), /POST \/v1\/messages/);
  const e1 = sink();
  assert.equal(await runCarrierSim([], sink(), e1, {}), 2);
  assert.match(e1.text(), /CARRIER_REPORT_SECRET/);
  const e2 = sink();
  assert.equal(await runCarrierSim(['--fail-rate', 'often'], sink(), e2, { CARRIER_REPORT_SECRET: 'x'.repeat(20) }), 2);
  assert.match(e2.text(), /--fail-rate: expected a number/);
  const e3 = sink();
  assert.equal(await runNtsSim(['--registration-id', '123'], sink(), e3), 2);
  assert.match(e3.text(), /--registration-id expects 8 digits/);
  const e4 = sink();
  assert.equal(await runNtsSim(['--port', '70000'], sink(), e4), 2);
  assert.match(e4.text(), /--port: expected a number from 0 to 65535/);
});
