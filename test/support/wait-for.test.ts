// The tests' polling helper: resolves with the accepted value, and a timeout is an error that says what was
// awaited and what was last seen (never a silent return of the last value).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPresent, waitFor } from './wait-for.ts';

test('resolves with the first value ok accepts, polling at the interval', async () => {
  let n = 0;
  const v = await waitFor(async () => ++n, (x) => x >= 3, { intervalMs: 1 });
  assert.equal(v, 3);
  assert.equal(n, 3);
});

test('a timeout throws, naming what was awaited and the last value', async () => {
  let n = 0;
  await assert.rejects(
    waitFor(() => ({ state: 'pending', n: ++n, seen: new Set(['a']) }), (x) => x.state === 'sent', { timeoutMs: 30, intervalMs: 5, what: 'the mail to be sent' }),
    (err: Error) => {
      assert.match(err.message, /^timed out after 30 ms waiting for the mail to be sent \(\d+ tries\); last value: \{"state":"pending","n":\d+,"seen":\["a"\]\}$/);
      assert.ok(n >= 2, 'it polled more than once');
      return true;
    },
  );
});

test('a zero timeout still looks once; a long last value is shortened', async () => {
  assert.equal(await waitFor(() => 'ready', (x) => x === 'ready', { timeoutMs: 0 }), 'ready');
  await assert.rejects(waitFor(() => 'x'.repeat(5000), () => false, { timeoutMs: 0 }), /waiting for a condition \(1 tries\); last value: "x{1999}… \(5002 chars\)$/);
});

test('show picks what of the last value the timeout message shows', async () => {
  await assert.rejects(
    waitFor(() => [1, 2, 3], (xs) => xs.length === 0, { timeoutMs: 0, show: (xs) => ({ left: xs.length }) }),
    /last value: \{"left":3\}$/,
  );
});

test('an error from fn is not retried', async () => {
  let n = 0;
  await assert.rejects(
    waitFor(
      () => {
        n += 1;
        throw new Error('boom');
      },
      () => true,
    ),
    /boom/,
  );
  assert.equal(n, 1);
});

test('isPresent narrows away undefined, null and false', async () => {
  const values: (string | undefined | false)[] = [undefined, false, 'done'];
  const v: string = await waitFor(() => values.shift(), isPresent, { intervalMs: 1 });
  assert.equal(v, 'done');
  assert.deepEqual([0, '', undefined, null, false].map((x) => isPresent(x)), [true, true, false, false, false]);
});
