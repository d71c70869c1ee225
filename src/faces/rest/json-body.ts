/**
 * The JSON body parser of the HTTP server: Fastify's own (prototype-poisoning checks included), behind a
 * nesting limit. Everything after the parser walks the body recursively (schema validation, the request
 * hash of `Idempotency-Key`, the core's readers, storing it as jsonb); a body nested thousands deep blew
 * the stack there (a 500) or was stored. No API body needs more than a few levels, so deeper ones are
 * refused up front, naming `body`, in one linear pass over the text and before any of that work.
 */
import type { FastifyInstance } from 'fastify';
import { invalidError } from '../../platform/errors.ts';

/** Deepest accepted nesting of objects and arrays (a document body uses about 5). */
export const MAX_JSON_DEPTH = 32;

/** True when `text` (any string; JSON or not) opens more than `max` objects/arrays inside one another. */
export function jsonNestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonNestingExceeds(text, MAX_JSON_DEPTH)) {
      done(invalidError('body', `JSON은 ${MAX_JSON_DEPTH}단계까지만 중첩할 수 있습니다 (JSON nested deeper than ${MAX_JSON_DEPTH} levels)`), undefined);
      return;
    }
    parse(req, text, done);
  });
}
