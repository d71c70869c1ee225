import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { WorkInFlight } from '../platform/foreground.ts';
import { countRequests } from './count-requests.ts';

test('a request counts from its start until it is answered, or until its client goes away unanswered', async () => {
  const requests = new WorkInFlight(0);
  const app = Fastify({ forceCloseConnections: true });
  countRequests(app, requests);
  let seenInside = -1;
  let releaseSlow!: () => void;
  const slowHeld = new Promise<void>((r) => (releaseSlow = r));
  let slowStarted!: () => void;
  const slowRunning = new Promise<void>((r) => (slowStarted = r));
  app.get('/quick', async () => {
    seenInside = requests.inFlight;
    return { ok: true };
  });
  app.get('/slow', async () => {
    slowStarted();
    await slowHeld;
    return { ok: true };
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    assert.equal((await fetch(`${url}/quick`)).status, 200);
    assert.equal(seenInside, 1, 'counted while its handler ran');
    assert.equal(requests.inFlight, 0, 'not counted once answered');
    const abort = new AbortController();
    const gone = fetch(`${url}/slow`, { signal: abort.signal }).catch(() => 'aborted');
    await slowRunning;
    assert.equal(requests.inFlight, 1);
    abort.abort();
    assert.equal(await gone, 'aborted');
    for (let i = 0; i < 100 && requests.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(requests.inFlight, 0, 'the closed connection ends it, before its handler does');
    releaseSlow();
  } finally {
    await app.close();
  }
  assert.equal(requests.inFlight, 0, 'the late answer does not end it twice');
});
