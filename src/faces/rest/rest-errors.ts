/**
 * One error shape on the REST face: `{ "error": { "code", "message", "field", "status", "legacyCode",
 * "requestId", "details" } }`, written by `sendError` only — route errors, schema failures, Fastify's own
 * refusals and the 404 handler alike. `message` is composed here as "<field>: <message>" from the
 * field-free core message; `requestId` is the id in this request's log lines.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { AppError, composeMessage, invalidError, requiredError, toAppError } from '../../platform/errors.ts';
import { memberPath } from '../../platform/input.ts';

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable error code, e.g. field_invalid, bizno_taken' }),
      message: Type.String({ description: '"<field>: " and the Korean message with English in parentheses' }),
      field: Type.Optional(Type.String({ description: 'the field at fault, when one is' })),
      status: Type.Integer(),
      legacyCode: Type.String({ description: 'the same failure as a legacy .aspx result code' }),
      requestId: Type.String({ description: 'id of this request, also in the server log line: quote it when reporting a problem' }),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'more about the failure, e.g. retryAfterSeconds' })),
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
  // The core names a document's fields from the document itself (`buyer.id`), so the schema does too.
  const named = (path: string) => (error.validationContext === 'body' ? path.replace(/^document\./, '') : path);
  if (first.keyword === 'required') {
    const missing = String(first.params['missingProperty'] ?? '');
    return requiredError(named(base ? `${base}.${missing}` : missing));
  }
  if (first.keyword === 'additionalProperties') {
    const extra = String(first.params['additionalProperty'] ?? '');
    return invalidError(named(memberPath(base, extra)), '알 수 없는 항목입니다 (unknown field)');
  }
  const field = named(base) || error.validationContext || 'body';
  return invalidError(field, `형식이 올바르지 않습니다 (${first.message ?? 'invalid'})`);
}

/** The `error` object of an answer (also one item of a bulk answer); `err.field` is already the REST name. */
export function restErrorObject(err: AppError, requestId: string): Static<typeof ErrorBody>['error'] {
  return {
    code: err.code,
    message: composeMessage(err),
    ...(err.field ? { field: err.field } : {}),
    status: err.status,
    legacyCode: err.legacyCode,
    requestId,
    ...(err.details && err.code !== 'internal' ? { details: err.details } : {}),
  };
}

export function sendError(reply: FastifyReply, err: AppError): FastifyReply {
  // throttles say how long to wait (RFC 9110 Retry-After, in seconds)
  const retryAfter = err.details?.['retryAfterSeconds'];
  if (typeof retryAfter === 'number' && Number.isInteger(retryAfter) && retryAfter > 0) reply.header('retry-after', String(retryAfter));
  return reply.code(err.status).send({ error: restErrorObject(err, reply.request.id) });
}

/**
 * Fastify's own refusals of a request (before any route code ran), in our shape and naming what is at
 * fault: the Content-Type header, or the body (unparsable, empty, too large, forbidden __proto__ …).
 */
function requestError(error: FastifyError & { statusCode: 400 | 413 | 415 }): AppError {
  const status = error.statusCode;
  const [field, text] =
    status === 415
      ? ['Content-Type', '지원하지 않는 Content-Type입니다 (unsupported media type)']
      : status === 413
        ? ['body', '요청 본문이 너무 큽니다 (request body too large)']
        : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? ['body', '요청 본문이 비어 있습니다 (empty JSON body)']
          : error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
            ? ['body', '올바른 JSON이 아닙니다 (not valid JSON)']
            : ['body', `요청 본문을 읽을 수 없습니다 (unreadable request: ${error.message})`];
  return new AppError(status === 413 ? 'body_too_large' : status === 415 ? 'media_type_unsupported' : 'field_invalid', text, { field });
}

const isRequestError = (error: FastifyError): error is FastifyError & { statusCode: 400 | 413 | 415 } =>
  error.statusCode === 400 || error.statusCode === 413 || error.statusCode === 415;

export function restErrorHandler(error: FastifyError & { validation?: AjvError[] }, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation) return sendError(reply, validationToAppError(error));
  if (error instanceof AppError) return sendError(reply, error);
  if (isRequestError(error)) return sendError(reply, requestError(error));
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    // any other refusal by Fastify or a plugin: 404 is a route we do not have, the rest a bad request
    if (error.statusCode === 404) return sendError(reply, routeNotFound(req));
    if (error.statusCode === 405) return sendError(reply, new AppError('method_not_allowed', `${req.method} 메서드는 이 경로에서 지원하지 않습니다 (method not allowed on this route)`));
    // other 4xx (none expected from the plugins in use) are answered as a bad request, in the one shape
    req.log.warn({ err: error }, 'request refused by the framework');
    return sendError(reply, new AppError('request_invalid', `요청을 처리할 수 없습니다 (${error.message})`));
  }
  const e = toAppError(error);
  req.log.error({ err: error }, 'request failed');
  return sendError(reply, e);
}

/** No route for this method and path (the 404 handler and Fastify's own 404s). */
export function routeNotFound(req: FastifyRequest): AppError {
  return new AppError('route_not_found', `${req.method} ${req.url.split('?')[0]}: 없는 경로입니다 (no such route)`);
}
