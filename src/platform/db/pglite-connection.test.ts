// PgliteConnection's queue when PGlite fails a call: with a stand-in for PGlite (the real one does not fail on cue).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PGlite } from '@electric-sql/pglite';
import { PgliteConnection } from './pglite-connection.ts';

/** ReadyForQuery ('Z', length 5, idle) as PostgreSQL sends it. */
const READY = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);

function standIn(failures: number): PGlite {
  let calls = 0;
  return {
    waitReady: Promise.resolve(),
    execProtocolRawStream: async (_message: Uint8Array, o: { onRawData: (b: Uint8Array) => void }) => {
      if (calls++ < failures) throw new Error('PGlite failed');
      o.onRawData(READY);
    },
  } as unknown as PGlite;
}

test('a failure while no client listens is dropped, and the next client is answered', async () => {
  const connection = new PgliteConnection(standIn(1));
  connection.sync(); // fails, between one client's end and the next one's connect: nobody listens for 'error'
  const ready = new Promise((resolve) => connection.once('readyForQuery', resolve));
  connection.sync();
  assert.equal(((await ready) as { name: string }).name, 'readyForQuery');
});

test('a failure reaches the listening client as its error; the messages after it still run', async () => {
  const connection = new PgliteConnection(standIn(1));
  const failed = new Promise<Error>((resolve) => connection.once('error', resolve));
  connection.sync();
  assert.equal((await failed).message, 'PGlite failed');
  const ready = new Promise((resolve) => connection.once('readyForQuery', resolve));
  connection.sync();
  await ready;
});
