import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDatabaseUnavailable } from './database-unavailable.ts';
import { AppError, toAppError } from '../errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('the database out of reach: connection SQLSTATEs, socket errors, node-postgres connection messages, through the cause chain', () => {
  for (const err of [
    withCode('57P01', 'terminating connection due to administrator command'),
    withCode('57P02'),
    withCode('57P03', 'the database system is starting up'),
    withCode('53300', 'sorry, too many clients already'),
    withCode('08006'),
    withCode('08001'),
    withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
    withCode('ECONNRESET'),
    new Error('Connection terminated unexpectedly'),
    new Error('Client has encountered a connection error and is not queryable'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Cannot use a pool after calling end on the pool'),
    new Error('wrapped', { cause: new Error('wrapped again', { cause: withCode('57P01') }) }),
  ]) {
    assert.equal(isDatabaseUnavailable(err), true, String((err as Error & { code?: string }).code ?? (err as Error).message));
  }
});

test('a statement that fails is not the database out of reach', () => {
  for (const err of [withCode('23505', 'duplicate key value'), withCode('42601', 'syntax error'), withCode('40001', 'could not serialize'), withCode('22003'), new Error('Connection refused by the SMTP server'), new Error('boom'), 'a string', undefined, null, { code: 8006 }]) {
    assert.equal(isDatabaseUnavailable(err), false, String(err));
  }
});

test('toAppError: database_unavailable 503 with Retry-After 2 seconds; anything else unknown stays internal 500', () => {
  const e = toAppError(withCode('57P01'));
  assert.ok(e instanceof AppError);
  assert.equal(e.code, 'database_unavailable');
  assert.equal(e.status, 503);
  assert.equal(e.legacyCode, '9999');
  assert.deepEqual(e.details, { retryAfterSeconds: 2 });
  assert.equal(toAppError(new Error('boom')).code, 'internal');
});
