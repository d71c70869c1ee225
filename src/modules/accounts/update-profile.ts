/** 회원정보 변경: name, e-mail and mobile of a signed-in member. */
import type { Ctx } from '../../platform/context.ts';
import type { Input } from '../../platform/input.ts';
import { audit, type Actor } from '../access/audit-log.ts';
import { readPersonFields } from './person-fields.ts';
import { getPortalUser, type PortalUser } from './get-portal-user.ts';

/** The profile form: `name`, `email`, `phone`. */
export type UpdateProfileOptions = Input;

export async function updateProfile(ctx: Ctx, who: Actor & { id: number }, input: UpdateProfileOptions): Promise<PortalUser> {
  const person = readPersonFields(input);
  await ctx.db.updateTable('portal_users').set({ ...person, updated_at: ctx.clock.now() }).where('id', '=', who.id).where('withdrawn_at', 'is', null).execute();
  await audit(ctx, who, { action: 'user.profile_changed', targetKind: 'user', targetId: who.id });
  return getPortalUser(ctx, who.id);
}
