import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runSign, runVerify } from './sign.ts';
import { referencePath } from '../../../test/support/reference.ts';

const FIXTURE = referencePath('npki-test-fixture');
const UNSIGNED = referencePath('kec-taxinvoice/open-etaxbill-core_unitest_1-0101.xml');
const CERT_AND_KEY = ['--cert', `${FIXTURE}/signCert.der`, '--key', `${FIXTURE}/signPri.key`];

function collect(): { stream: PassThrough; text: () => string; bytes: () => Buffer } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, bytes: () => Buffer.concat(chunks), text: () => Buffer.concat(chunks).toString('utf8') };
}

async function run(command: typeof runSign, args: string[], input: Buffer | string) {
  const stdout = collect();
  const stderr = collect();
  const code = await command(args, Readable.from([Buffer.from(input)]), stdout.stream, stderr.stream);
  return { code, stdout: stdout.bytes(), stderr: stderr.text() };
}

test('sign --cert --key --password: stdin → byte-exact signed XML on stdout', async () => {
  const { code, stdout, stderr } = await run(runSign, [...CERT_AND_KEY, '--password', 'Test1234!'], readFileSync(UNSIGNED));
  assert.equal(code, EXIT_OK, stderr);
  assert.deepEqual(stdout, readFileSync(`${FIXTURE}/open-etaxbill-1-0101.signed.xml`));
});

test('sign --pfx with the password from an environment variable', async () => {
  process.env.HANBILL_TEST_CERT_PASSWORD = 'Test1234!';
  const { code, stdout, stderr } = await run(
    runSign,
    ['--pfx', `${FIXTURE}/signCert_and_key.p12`, '--password-env', 'HANBILL_TEST_CERT_PASSWORD'],
    readFileSync(UNSIGNED),
  );
  assert.equal(code, EXIT_OK, stderr);
  assert.deepEqual(stdout, readFileSync(`${FIXTURE}/open-etaxbill-1-0101.signed.xml`));
});

test('sign --bizno: the VID must match the business number', async () => {
  const good = await run(runSign, [...CERT_AND_KEY, '--password', 'Test1234!', '--bizno', '204-86-31263'], readFileSync(UNSIGNED));
  assert.equal(good.code, EXIT_OK, good.stderr);
  const bad = await run(runSign, [...CERT_AND_KEY, '--password', 'Test1234!', '--bizno', '6028131841'], readFileSync(UNSIGNED));
  assert.equal(bad.code, EXIT_FAILED);
  assert.match(bad.stderr, /VID does not match/);
  assert.equal(bad.stdout.length, 0);
  // the .p12 fixture carries no R, so a bizno check cannot be made with it
  const noR = await run(runSign, ['--pfx', `${FIXTURE}/signCert_and_key.p12`, '--password', 'Test1234!', '--bizno', '2048631263'], readFileSync(UNSIGNED));
  assert.equal(noR.code, EXIT_FAILED);
  assert.match(noR.stderr, /no R value/);
});

test('sign: wrong password and unusable input fail with a reason on stderr', async () => {
  const wrong = await run(runSign, [...CERT_AND_KEY, '--password', 'nope'], readFileSync(UNSIGNED));
  assert.equal(wrong.code, EXIT_FAILED);
  assert.match(wrong.stderr, /비밀번호.*wrong certificate password/);
  const notInvoice = await run(runSign, [...CERT_AND_KEY, '--password', 'Test1234!'], '<hello/>');
  assert.equal(notInvoice.code, EXIT_FAILED);
  assert.match(notInvoice.stderr, /root element/);
  const eucKr = await run(runSign, [...CERT_AND_KEY, '--password', 'Test1234!'], '<?xml version="1.0" encoding="euc-kr"?><TaxInvoice/>');
  assert.equal(eucKr.code, EXIT_FAILED);
  assert.match(eucKr.stderr, /UTF-8/);
  const missingFile = await run(runSign, ['--cert', '/nonexistent.der', '--key', `${FIXTURE}/signPri.key`, '--password', 'x'], '');
  assert.equal(missingFile.code, EXIT_FAILED);
  assert.match(missingFile.stderr, /cannot read file/);
});

test('sign: usage errors exit 2 with the usage line', async () => {
  for (const args of [[], ['--cert', 'a'], [...CERT_AND_KEY], [...CERT_AND_KEY, '--password', 'x', '--pfx', 'y'], ['--bogus', '1'], [...CERT_AND_KEY, '--password']]) {
    const { code, stderr } = await run(runSign, args, '');
    assert.equal(code, EXIT_USAGE, args.join(' '));
    assert.match(stderr, /usage: hanbill sign/);
  }
});

test('verify: valid fixture → exit 0 with the signer on stdout', async () => {
  const { code, stdout, stderr } = await run(runVerify, [], readFileSync(`${FIXTURE}/open-etaxbill-1-0101.signed.xml`));
  assert.equal(code, EXIT_OK, stderr);
  assert.match(stdout.toString('utf8'), /signature valid.*CN=TEST Invoicer 2048631263/);
});

test('verify: tampered or unsigned → exit 1 with the reason on stderr', async () => {
  const signed = readFileSync(`${FIXTURE}/open-etaxbill-1-0101.signed.xml`, 'utf8');
  const tampered = await run(runVerify, [], signed.replace('<ChargeTotalAmount>220000<', '<ChargeTotalAmount>220001<'));
  assert.equal(tampered.code, EXIT_FAILED);
  assert.match(tampered.stderr, /digest mismatch/);
  const unsigned = await run(runVerify, [], readFileSync(UNSIGNED));
  assert.equal(unsigned.code, EXIT_FAILED);
  assert.match(unsigned.stderr, /found 0/);
  const usage = await run(runVerify, ['--x'], '');
  assert.equal(usage.code, EXIT_USAGE);
});
