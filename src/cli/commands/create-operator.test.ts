// `hanbill create-operator` on a fresh embedded data folder: a refused password names its field on stderr
// (the core's messages are field-free since the error model change: the command composes field and message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runCreateOperator } from './create-operator.ts';

async function run(args: string[], password: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  const code = await runCreateOperator(args, Readable.from([`${password}\n`]), stdout, stderr);
  return { code, out, err };
}

test('create-operator: a weak password is refused naming the field; a good one creates the operator', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-cli-'));
  const saved = { ...process.env };
  Object.assign(process.env, { HANBILL_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  delete process.env['DATABASE_URL'];
  delete process.env['HANBILL_NEW_OPERATOR_PASSWORD'];
  try {
    const weak = await run(['--login', 'ops1'], 'short');
    assert.equal(weak.code, 1);
    assert.match(weak.err, /^hanbill create-operator: password: /);
    const ok = await run(['--login', 'ops1', '--name', '운영자'], 'Operator123!');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^operator ops1 created \(id \d+\)/);
  } finally {
    process.env = saved;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
