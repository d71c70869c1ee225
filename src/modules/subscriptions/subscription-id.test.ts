import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, composeMessage } from '../../platform/errors.ts';
import { parseSubscriptionId, readSubscriptionId } from './subscription-id.ts';

const refused = (fn: () => unknown, field: string) =>
  assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === 'field_invalid' && e.field === field && composeMessage(e).startsWith(`${field}: `) && !e.message.startsWith(`${field}:`));

test('only a canonical positive integer within the safe range is a subscription id', () => {
  assert.equal(parseSubscriptionId('1', 'sinch_no'), 1);
  assert.equal(parseSubscriptionId('9007199254740991', 'sinch_no'), Number.MAX_SAFE_INTEGER);
  assert.equal(parseSubscriptionId(42, 'sinchno'), 42);
  for (const bad of ['0', '01', '0000000000000001', '+1', '-1', ' 1', '1 ', '1.0', '1e3', '0x1', '１', '9007199254740992', '9223372036854775808', 'abc', '']) {
    refused(() => parseSubscriptionId(bad, 'sinch_no'), 'sinch_no');
  }
  for (const bad of [0, -1, 1.5, 2 ** 53, 2 ** 63, 1e21, Number.NaN, Infinity]) refused(() => parseSubscriptionId(bad, 'sinchno'), 'sinchno');
  refused(() => parseSubscriptionId(true, 'sinch_no'), 'sinch_no');
});

test('sinch_no or sinchno; blank is absent; both given must agree', () => {
  assert.equal(readSubscriptionId({}), undefined);
  assert.equal(readSubscriptionId({ sinch_no: '', sinchno: '' }), undefined);
  assert.equal(readSubscriptionId({ sinch_no: '7' }), 7);
  assert.equal(readSubscriptionId({ sinchno: '7' }), 7);
  assert.equal(readSubscriptionId({ sinch_no: '', sinchno: '7' }), 7);
  assert.equal(readSubscriptionId({ sinch_no: '7', sinchno: '7' }), 7);
  refused(() => readSubscriptionId({ sinch_no: '7', sinchno: '8' }), 'sinchno');
  refused(() => readSubscriptionId({ sinch_no: '07', sinchno: '7' }), 'sinch_no');
  refused(() => readSubscriptionId({ sinch_no: '7', sinchno: ' ' }), 'sinchno');
});
