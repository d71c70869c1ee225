/**
 * The connection node-postgres speaks to the embedded PGlite through: the wire protocol's bytes go to PGlite as they
 * are, and its answer's bytes are read by node-postgres's own parser (pg-protocol), as they are from a PostgreSQL
 * socket.
 *
 * PGlite's own adapter (`@electric-sql/pglite/node-postgres`) has PGlite parse the answer instead, with a parser
 * that copies every field into an ArrayBuffer of its own before decoding it: two thirds of a 1,000-row MULTILIST's
 * row query (44 ms on PGlite against 13 ms on PostgreSQL, `bench/multilist.bench.ts`). pg-protocol decodes a field
 * straight from the answer's buffer. And an extended query's messages (Parse, Bind, Describe, Execute) go to PGlite
 * in one call with the Sync or Flush that ends them, as they reach a server in one packet, not in one call each
 * (PGlite runs every message of a call): a REST issue's server CPU on PGlite 4.03-4.08 -> 3.54-3.75 ms
 * (`bench/issue-cost.bench.ts`). Everything else is what that adapter does: messages run one after another in the
 * order node-postgres sends them, an error is an `errorMessage` event, and `end()` leaves the PGlite (shared, owned
 * by its opener) open.
 */
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';

type Serialize = typeof serialize;

export class PgliteConnection extends EventEmitter {
  readonly #pglite: PGlite;
  #queue: Promise<unknown>;
  #emitMessage = false;
  /** messages of an extended query not yet sent: they go to PGlite together with the Sync (or Flush) that ends them */
  #pending: Buffer[] = [];
  /** read by pg's Client.end(), which skips connection.end() without it */
  _connecting = false;
  /** pg's Client.end() destroys the stream while a query is still active */
  readonly stream = { destroy: () => this.end() };
  parsedStatements = {};
  submittedNamedStatements = {};

  constructor(pglite: PGlite) {
    super();
    this.#pglite = pglite;
    this.#queue = pglite.waitReady;
    this.on('newListener', (event) => {
      if (event === 'message') this.#emitMessage = true;
    });
  }

  #hold(message: Buffer): void {
    this.#pending.push(message);
  }

  #send(last: Buffer): void {
    const message = this.#pending.length === 0 ? last : Buffer.concat([...this.#pending, last]);
    this.#pending = [];
    this.#queue = this.#queue
      .then(async () => {
        // the callback's bytes are a view of PGlite's memory, valid only during the call: copied, then parsed
        // once the call has returned (node-postgres may send its next message from a handler)
        const chunks: Buffer[] = [];
        await this.#pglite.execProtocolRawStream(message, { onRawData: (bytes) => void chunks.push(Buffer.from(bytes)) });
        const parser = new Parser();
        for (const chunk of chunks) parser.parse(chunk, (m) => this.#emit(m));
      })
      // a failure goes to the client listening now; with none (between a client's end and the next one's connect),
      // emit would throw here and leave #queue rejected, so every later message of every later client would fail
      .catch((err: unknown) => {
        if (this.listenerCount('error') > 0) this.emit('error', err);
      });
  }

  #emit(m: BackendMessage): void {
    if (this.#emitMessage) this.emit('message', m);
    this.emit(m.name === 'error' ? 'errorMessage' : m.name, m);
  }

  async connect(): Promise<void> {
    this._connecting = true;
    await this.#pglite.waitReady;
    process.nextTick(() => this.emit('readyForQuery'));
  }

  // no network, no authentication: PGlite is ready once open
  requestSsl(): void {}
  startup(): void {}
  cancel(): void {}
  password(): void {}
  ref(): void {}
  unref(): void {}

  query(text: string): void {
    this.#send(serialize.query(text));
  }
  parse(query: Parameters<Serialize['parse']>[0]): void {
    this.#hold(serialize.parse(query));
  }
  bind(config: Parameters<Serialize['bind']>[0]): void {
    this.#hold(serialize.bind(config));
  }
  execute(config: Parameters<Serialize['execute']>[0]): void {
    this.#hold(serialize.execute(config));
  }
  describe(msg: Parameters<Serialize['describe']>[0]): void {
    this.#hold(serialize.describe(msg));
  }
  close(msg: Parameters<Serialize['close']>[0]): void {
    this.#hold(serialize.close(msg));
  }
  flush(): void {
    this.#send(serialize.flush());
  }
  sync(): void {
    this.#send(serialize.sync());
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.#send(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.#send(serialize.copyDone());
  }
  sendCopyFail(msg: string): void {
    this.#send(serialize.copyFail(msg));
  }

  /**
   * Like a socket closing: pg waits for 'end'. The PGlite is shared and owned by its opener: it stays open. The pool
   * reuses this connection for its next client, so the ended client's listeners go now (they must not hear the next
   * client's messages) and 'end' reaches only them, once what was sent before has run: emitted, it reached the next
   * client too, which took it for its own connection closing ("Connection terminated unexpectedly").
   */
  end(): void {
    const onEnd = this.listeners('end');
    for (const event of this.eventNames()) if (event !== 'newListener') this.removeAllListeners(event);
    this.#emitMessage = false;
    // an ended client's unfinished extended query (no Sync sent) must not ride along with the next client's first one
    this.#pending = [];
    this.#queue = this.#queue.then(() => {
      for (const listener of onEnd) listener.call(this);
    });
  }
}

/**
 * node-postgres Pool options for an open PGlite: one connection (PGlite has one session), through PgliteConnection.
 * `connection` is a Client option node-postgres reads but does not declare, hence the cast.
 */
export function pglitePoolConfig(pglite: PGlite): pg.PoolConfig {
  return { connection: new PgliteConnection(pglite), max: 1 } as pg.PoolConfig;
}
