import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeadlock, retryingDeadlock } from './deadlock-retry.ts';

const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

test('a deadlock victim runs again until it succeeds; other errors and the last attempt are thrown', async () => {
  let calls = 0;
  assert.equal(await retryingDeadlock(async () => (++calls < 3 ? Promise.reject(deadlock()) : 'done')), 'done');
  assert.equal(calls, 3);

  calls = 0;
  await assert.rejects(retryingDeadlock(async () => (++calls, Promise.reject(deadlock())), 4), /deadlock detected/);
  assert.equal(calls, 4, 'given up after the attempts');

  calls = 0;
  await assert.rejects(retryingDeadlock(async () => (++calls, Promise.reject(Object.assign(new Error('unique'), { code: '23505' })))), /unique/);
  assert.equal(calls, 1, 'not a deadlock: not retried');
});

test('isDeadlock looks at the cause too', () => {
  assert.equal(isDeadlock(deadlock()), true);
  assert.equal(isDeadlock(new Error('wrapped', { cause: deadlock() })), true);
  assert.equal(isDeadlock(Object.assign(new Error('serialization'), { code: '40001' })), false);
  assert.equal(isDeadlock(undefined), false);
});
