/** One error shape on the REST face: `{ "error": { "code", "message", "field", "status" } }`. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError, invalidError, requiredError, toAppError } from '../../platform/errors.ts';

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable error code, e.g. field_invalid, bizno_taken' }),
      message: Type.String({ description: 'Korean message with English in parentheses; names the field' }),
      field: Type.Optional(Type.String({ description: 'the field at fault, when one is' })),
      status: Type.Integer(),
      legacyCode: Type.String({ description: 'the same failure as a legacy .aspx result code' }),
    }),
  },
  { $id: 'Error' },
);

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turn Fastify's schema validation failure into our error, naming the field as a dotted path. */
export function validationToAppError(error: FastifyError & { validation?: AjvError[]; validationContext?: string }): AppError {
  const first = error.validation?.[0];
  if (!first) return invalidError('body', error.message);
  const base = first.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  if (first.keyword === 'required') {
    const missing = String(first.params['missingProperty'] ?? '');
    return requiredError(base ? `${base}.${missing}` : missing);
  }
  if (first.keyword === 'additionalProperties') {
    const extra = String(first.params['additionalProperty'] ?? '');
    return invalidError(base ? `${base}.${extra}` : extra, '알 수 없는 항목입니다 (unknown field)');
  }
  const field = base || error.validationContext || 'body';
  return invalidError(field, `형식이 올바르지 않습니다 (${first.message ?? 'invalid'})`);
}

export function sendError(reply: FastifyReply, err: AppError): FastifyReply {
  // throttles say how long to wait (RFC 9110 Retry-After, in seconds)
  const retryAfter = err.details?.['retryAfterSeconds'];
  if (typeof retryAfter === 'number' && Number.isInteger(retryAfter) && retryAfter > 0) reply.header('retry-after', String(retryAfter));
  return reply.code(err.status).send({
    error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), status: err.status, legacyCode: err.legacyCode },
  });
}

export function restErrorHandler(error: FastifyError & { validation?: AjvError[] }, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation) return sendError(reply, validationToAppError(error));
  if (error instanceof AppError) return sendError(reply, error);
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    const code = error.statusCode === 413 ? 'field_invalid' : error.statusCode === 404 ? 'not_found' : 'field_invalid';
    reply.code(error.statusCode);
    return reply.send({ error: { code, message: error.message, status: error.statusCode, legacyCode: error.statusCode === 404 ? '3001' : '1002' } });
  }
  const e = toAppError(error);
  req.log.error({ err: error }, 'request failed');
  return sendError(reply, e);
}
