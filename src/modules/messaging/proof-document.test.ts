import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, type ErrorCode } from '../../platform/errors.ts';
import { MAX_PROOF_BYTES, readProofDocument } from './proof-document.ts';

const PDF = Buffer.from('%PDF-1.4\n%…\n1 0 obj\n<<>>\nendobj\n%%EOF\n', 'latin1');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(20)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(20)]);
const b64 = (b: Buffer) => b.toString('base64');

test('PDF, PNG and JPEG are recognised by their content, whatever the name says', () => {
  assert.equal(readProofDocument({ fileName: '증명원.png', data: b64(PDF) }, 'proof').contentType, 'application/pdf');
  assert.equal(readProofDocument({ fileName: 'scan.pdf', data: b64(PNG) }, 'proof').contentType, 'image/png');
  const j = readProofDocument({ fileName: 'scan.jpg', data: b64(JPEG) }, 'proof');
  assert.equal(j.contentType, 'image/jpeg');
  assert.ok(j.content.equals(JPEG));
});

const CASES: readonly { name: string; value: unknown; code: ErrorCode; field: string }[] = [
  { name: 'missing', value: undefined, code: 'field_required', field: 'proof' },
  { name: 'a string instead of an object', value: b64(PDF), code: 'field_invalid', field: 'proof' },
  { name: 'no file name', value: { data: b64(PDF) }, code: 'field_required', field: 'proof.fileName' },
  { name: 'file name with a path', value: { fileName: '../etc/passwd.pdf', data: b64(PDF) }, code: 'field_invalid', field: 'proof.fileName' },
  { name: 'file name with a line break', value: { fileName: 'a\nb.pdf', data: b64(PDF) }, code: 'field_invalid', field: 'proof.fileName' },
  { name: 'no data', value: { fileName: 'a.pdf' }, code: 'field_required', field: 'proof.data' },
  { name: 'data not base64', value: { fileName: 'a.pdf', data: '%%%not base64%%%' }, code: 'field_invalid', field: 'proof.data' },
  { name: 'a GIF', value: { fileName: 'a.pdf', data: b64(Buffer.from('GIF89a......', 'latin1')) }, code: 'proof_document_invalid', field: 'proof.data' },
  { name: 'a ZIP named .pdf', value: { fileName: 'a.pdf', data: b64(Buffer.from('PK\u0003\u0004........', 'latin1')) }, code: 'proof_document_invalid', field: 'proof.data' },
  { name: 'text', value: { fileName: 'a.pdf', data: b64(Buffer.from('hello, this is not a pdf')) }, code: 'proof_document_invalid', field: 'proof.data' },
  {
    name: 'over 5 MB',
    value: { fileName: 'a.pdf', data: b64(Buffer.concat([PDF, Buffer.alloc(MAX_PROOF_BYTES)])) },
    code: 'proof_document_invalid',
    field: 'proof.data',
  },
];

for (const c of CASES) {
  test(`proof document refused: ${c.name}`, () => {
    assert.throws(
      () => readProofDocument(c.value, 'proof'),
      (e: unknown) => e instanceof AppError && e.code === c.code && e.field === c.field,
    );
  });
}

test('exactly 5 MB is accepted', () => {
  const content = Buffer.concat([PDF, Buffer.alloc(MAX_PROOF_BYTES - PDF.length)]);
  assert.equal(readProofDocument({ fileName: 'a.pdf', data: b64(content) }, 'proof').content.length, MAX_PROOF_BYTES);
});
