import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySupplierDefaults, type SupplierProfile } from './supplier-defaults.ts';

const profile: SupplierProfile = {
  bizno: '1388602200',
  name: '(주)한빌소프트',
  ceoName: '김공급',
  address: '판교',
  contact: { name: '이담당', email: 'billing@supplier.example' },
};

test('fills absent and blank supplier fields, keeps what the caller sent', () => {
  const out = applySupplierDefaults({ kind: 'tax_invoice', supplier: { name: '지점명', address: '  ', contact: { tel: '02-1' } } }, profile) as Record<string, any>;
  assert.deepEqual(out['supplier'], {
    bizno: '1388602200',
    name: '지점명',
    ceoName: '김공급',
    address: '판교',
    contact: { tel: '02-1', name: '이담당', email: 'billing@supplier.example' },
  });
  assert.equal(out['kind'], 'tax_invoice');
});

test('creates the supplier when missing and does not mutate the input', () => {
  const input = { kind: 'invoice' };
  const out = applySupplierDefaults(input, profile) as Record<string, any>;
  assert.equal(out['supplier'].bizno, '1388602200');
  assert.deepEqual(input, { kind: 'invoice' });
  assert.equal(applySupplierDefaults('x', profile), 'x');
});
