import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkInFlight } from './foreground.ts';

test('busy while a request is in flight and for quietMs after the last one ends; ending twice counts once', () => {
  let now = 1_000;
  const requests = new WorkInFlight(50, () => now);
  assert.equal(requests.busy(), false, 'no request yet');
  const endA = requests.begin();
  const endB = requests.begin();
  assert.equal(requests.inFlight, 2);
  endA();
  endA();
  assert.equal(requests.inFlight, 1, 'a second end of the same request changes nothing');
  now += 500;
  assert.equal(requests.busy(), true, 'one still in flight, however long');
  endB();
  assert.equal(requests.inFlight, 0);
  now += 49;
  assert.equal(requests.busy(), true, 'within quietMs of the last answer');
  now += 1;
  assert.equal(requests.busy(), false, 'quiet');
});
