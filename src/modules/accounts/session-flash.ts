/**
 * A one-time value for a session's next page, sealed in the session's row (Post/Redirect/Get). Kept apart from
 * the session store because only the pages use it.
 */
import { sql } from 'kysely';
import { openSecret, sealSecret } from '../../platform/secret-box.ts';
import type { Ctx } from '../../platform/context.ts';
import { tokenHash } from './sessions.ts';

/**
 * A one-time value for the session's next page (Post/Redirect/Get: the page after an API key is issued shows the
 * key, a refresh does not issue another). Kept in the session's row, sealed, never in a URL; replaced by the next.
 */
export async function setSessionFlash(ctx: Ctx, token: string, value: unknown): Promise<void> {
  const hash = tokenHash(token);
  const sealed = sealSecret(ctx.masterKey, Buffer.from(JSON.stringify(value), 'utf8'), flashAad(hash));
  await sql`UPDATE portal_sessions SET flash_sealed = ${sealed} WHERE token_hash = ${hash}`.execute(ctx.db);
}

/** The session's flash value, once: read and cleared in one statement (two tabs cannot both show it). */
export async function takeSessionFlash(ctx: Ctx, token: string): Promise<unknown> {
  const hash = tokenHash(token);
  const r = await sql<{ flash_sealed: Buffer }>`
    UPDATE portal_sessions s SET flash_sealed = NULL
    FROM (SELECT id, flash_sealed FROM portal_sessions WHERE token_hash = ${hash} AND flash_sealed IS NOT NULL FOR UPDATE) old
    WHERE s.id = old.id
    RETURNING old.flash_sealed`.execute(ctx.db);
  const sealed = r.rows[0]?.flash_sealed;
  if (!sealed) return undefined;
  return JSON.parse(openSecret(ctx.masterKey, Buffer.from(sealed), flashAad(hash)).toString('utf8')) as unknown;
}

const flashAad = (hash: Buffer) => `portal_session_flash:${hash.toString('hex')}`;
