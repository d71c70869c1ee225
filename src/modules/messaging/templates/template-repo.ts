/** Reading templates and their channels, as a partner sees them: another partner's rows are unknown (404). */
import { sql, type Selectable } from 'kysely';
import { AppError } from '../../../platform/errors.ts';
import type { Db } from '../../../platform/db/transaction.ts';
import type { TemplateContent } from './template-model.ts';
import type { KakaoTemplatesTable, TemplateState } from './tables.ts';

export type TemplateRow = Selectable<KakaoTemplatesTable>;

/** The columns a template's content fills, on create and on edit alike. */
export function contentColumns(content: TemplateContent, variables: readonly string[]) {
  return {
    name: content.name,
    message_type: content.messageType,
    emphasis_type: content.emphasisType,
    body: content.body,
    content: JSON.stringify(content),
    variables: JSON.stringify(variables),
  };
}

export interface KakaoTemplate extends TemplateContent {
  id: number;
  channelId: number;
  code: string;
  variables: string[];
  state: TemplateState;
  /** the reviewer's comment of the last rejection */
  reviewComment: string | null;
  /** no send for a year (see markDormantTemplates): not sendable until reactivated */
  dormant: boolean;
  submittedAt: Date | null;
  reviewedAt: Date | null;
  approvedAt: Date | null;
  lastUsedAt: Date | null;
  dormantAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function templateView(r: TemplateRow): KakaoTemplate {
  return {
    ...r.content,
    id: Number(r.id),
    channelId: Number(r.channel_id),
    code: r.code,
    variables: r.variables,
    state: r.state,
    reviewComment: r.review_comment,
    dormant: r.dormant_at !== null,
    submittedAt: r.submitted_at,
    reviewedAt: r.reviewed_at,
    approvedAt: r.approved_at,
    lastUsedAt: r.last_used_at,
    dormantAt: r.dormant_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function templateNotFound(field = 'id'): AppError {
  return new AppError('template_not_found', '알림톡 템플릿이 없습니다 (no such AlimTalk template)', { field });
}

/** The template `id` of `partnerId` (any other partner's template is unknown). */
export async function findOwnTemplate(db: Db, partnerId: number, id: number): Promise<TemplateRow> {
  const row = await db.selectFrom('kakao_templates').selectAll().where('id', '=', id).where('partner_id', '=', partnerId).executeTakeFirst();
  if (!row) throw templateNotFound();
  return row;
}

export async function findTemplate(db: Db, id: number): Promise<TemplateRow> {
  const row = await db.selectFrom('kakao_templates').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw templateNotFound();
  return row;
}

/** Refuse unless `channelId` is one of `partnerId`'s Kakao channels in state `active` (naming `channelId`). */
export async function assertActiveChannel(db: Db, partnerId: number, channelId: number): Promise<void> {
  const r = await sql<{ state: string }>`SELECT state FROM kakao_channels WHERE id = ${channelId} AND partner_id = ${partnerId}`.execute(db);
  if (r.rows[0]?.state !== 'active') {
    throw new AppError('template_channel_unusable', '사용 중인 내 카카오 채널이 아닙니다 (not one of your active Kakao channels)', { field: 'channelId' });
  }
}

export function stateConflict(state: TemplateState, action: string): AppError {
  return new AppError('template_state_conflict', `${state} 상태의 템플릿은 ${action} (a template in state ${state} cannot be changed this way)`, { field: 'state' });
}
