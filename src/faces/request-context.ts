/**
 * The request id of every answer and log line. A caller's `X-Request-Id` is kept when it is a plain token
 * (≤ 128 of A-Z a-z 0-9 . _ -), anything else (absent, too long, other characters) gets a fresh UUID; the id is
 * answered in the `X-Request-Id` header of every answer (errors included), shown in every error body and page, and
 * put on every log line written while the request runs — Fastify's own (reqId, through req.log) and those modules
 * write through ctx.log (platform/log-context.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { currentLogFields, runWithLogFields } from '../platform/log-context.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Fastify's genReqId: the caller's X-Request-Id when valid, else a UUID (unique across processes and restarts). */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** The hooks: answer header, and the log fields for the request's whole run. */
export function requestContext(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    runWithLogFields({ reqId: req.id }, done);
  });
  // reading a body resumes the request from the socket's callbacks, outside the store: enter it again before the handler
  app.addHook('preValidation', (req, _reply, done) => {
    if (currentLogFields()?.reqId === req.id) done();
    else runWithLogFields({ reqId: req.id }, done);
  });
}

