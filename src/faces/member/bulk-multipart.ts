/**
 * File uploads of the member web (대량발행 .xlsx, the certificate's files): a multipart form cannot be read by
 * the plugin's url-encoded actions, so these POST routes read the parts themselves — `_csrf` and the other text
 * fields, the files as buffers — check the session and CSRF with `requireMember`, run the use case, and on a
 * refusal render the owning screen again with the error beside the field, as the plugin does for its actions.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.ts';
import { composeMessage, toAppError } from '../../platform/errors.ts';
import { fieldsOf, requireMember, SubscriptionChoiceNeeded, type MemberCall } from './member-http.ts';
import type { Form, MemberPage } from './member-kit.ts';
import { errorsOf, renderScreen } from './member-screen.ts';

export interface UploadedFile {
  fileName: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Form;
  files: Record<string, UploadedFile>;
}

export async function readMultipartForm(req: FastifyRequest): Promise<MultipartForm> {
  const fields: Form = {};
  const files: Record<string, UploadedFile> = {};
  if (!req.isMultipart()) {
    return { fields: fieldsOf(req.body), files };
  }
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      if (data.length > 0) files[part.fieldname] = { fileName: part.filename ?? '', data };
    } else {
      fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
    }
  }
  return { fields, files };
}

/**
 * POST `path` as a multipart upload for `page`: `run` returns where to go (303) after success.
 */
export function uploadRoute(app: FastifyInstance, ctx: Ctx, path: string, page: MemberPage, run: (call: MemberCall, form: MultipartForm) => Promise<string>): void {
  app.post(path, { schema: { hide: true }, logLevel: 'warn' }, async (req, reply) => {
    let form: MultipartForm = { fields: {}, files: {} };
    let call: MemberCall;
    try {
      form = await readMultipartForm(req);
      call = await requireMember(ctx, req, { formCsrf: form.fields['_csrf'] });
    } catch (err) {
      if (err instanceof SubscriptionChoiceNeeded) return reply.code(303).header('location', '/member/subscriptions').send();
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      if (e.code === 'unauthenticated') return reply.code(303).header('location', '/member').send();
      return reply.code(e.status).header('content-type', 'text/plain; charset=utf-8').send(composeMessage(e));
    }
    try {
      return reply.code(303).header('location', await run(call, form)).send();
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal') throw err;
      const { errors, top } = errorsOf(e, call.t);
      const { password: _password, _csrf, ...kept } = form.fields;
      // the screen list imports the screens, which import this file: read it when a request comes, not at load
      const { MEMBER_PAGES } = await import('./pages/index.ts');
      return renderScreen(ctx, req, reply, MEMBER_PAGES, page, call, e.status, { form: kept, errors, error: top });
    }
  });
}
