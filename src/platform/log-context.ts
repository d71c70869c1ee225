/**
 * Log lines that say which request or job wrote them, without passing a logger down every call.
 *
 *   HTTP request ─ onRequest hook ─┐                       ctx.log.info(...)   (any module, any depth)
 *                                  ├─ runWithLogFields({ reqId }) ──► contextualLogger(base)
 *   job claimed ─ JobWorker ───────┘   runWithLogFields({ jobId, queue })      └─ base.child(fields).info(...)
 *
 * The fields live in an AsyncLocalStorage store for the duration of the request or job; `contextualLogger`
 * is what the composition root puts in `ctx.log`: each call looks the store up and writes through a child
 * logger of the process logger carrying those fields (made once per request or job, on its first line).
 * Outside a request or job it writes through the process logger unchanged.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './context.ts';

export type LogFields = Readonly<Record<string, string | number>>;

interface Store {
  fields: LogFields;
  /** The child logger of the last base logger asked for (one per process in practice). */
  child?: Logger;
  childOf?: Logger;
}

const storage = new AsyncLocalStorage<Store>();

/** Run `fn` with log lines written through a contextual logger carrying `fields` (nested: the inner fields add to the outer). */
export function runWithLogFields<T>(fields: LogFields, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run({ fields: outer ? { ...outer.fields, ...fields } : fields }, fn);
}

/** The fields of the request or job running now (undefined outside one). */
export function currentLogFields(): LogFields | undefined {
  return storage.getStore()?.fields;
}

type ChildCapable = Logger & { child?: (bindings: Record<string, unknown>) => Logger };

/** A logger without child loggers (a test's bare Logger): the fields are merged into each line's object. */
function mergingLogger(base: Logger, fields: LogFields): Logger {
  const write =
    (level: keyof Logger) =>
    (obj: object | string, msg?: string): void => {
      if (typeof obj === 'string') base[level]({ ...fields }, obj);
      else if (msg === undefined) base[level]({ ...fields, ...obj });
      else base[level]({ ...fields, ...obj }, msg);
    };
  return { info: write('info'), warn: write('warn'), error: write('error'), debug: write('debug') };
}

function loggerOf(base: ChildCapable): Logger {
  const store = storage.getStore();
  if (!store) return base;
  if (store.childOf !== base || !store.child) {
    store.child = typeof base.child === 'function' ? base.child(store.fields) : mergingLogger(base, store.fields);
    store.childOf = base;
  }
  return store.child;
}

/** `base`, with the fields of the running request or job on every line (see the header). */
export function contextualLogger(base: Logger): Logger {
  const b = base as ChildCapable;
  return {
    info: (obj, msg) => (msg === undefined ? loggerOf(b).info(obj) : loggerOf(b).info(obj, msg)),
    warn: (obj, msg) => (msg === undefined ? loggerOf(b).warn(obj) : loggerOf(b).warn(obj, msg)),
    error: (obj, msg) => (msg === undefined ? loggerOf(b).error(obj) : loggerOf(b).error(obj, msg)),
    debug: (obj, msg) => (msg === undefined ? loggerOf(b).debug(obj) : loggerOf(b).debug(obj, msg)),
  };
}
