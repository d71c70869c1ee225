/** The checks of an endpoint's fields (registration and edit): URL (webhook-address.ts), event types, description. */
import { AppError } from '../../platform/errors.ts';
import { isEventType } from '../events/event-catalogue.ts';

export const MAX_DESCRIPTION = 200;

export function checkEventTypes(events: unknown): string[] {
  if (!Array.isArray(events) || events.length === 0) throw new AppError('field_required', '받을 이벤트 유형을 하나 이상 고르세요 (at least one event type)', { field: 'events' });
  const out: string[] = [];
  events.forEach((e, i) => {
    if (typeof e !== 'string' || !isEventType(e)) throw new AppError('field_invalid', '알 수 없는 이벤트 유형입니다 (not an event type of the catalogue)', { field: `events[${i}]` });
    if (!out.includes(e)) out.push(e);
  });
  return out;
}

export function checkDescription(text: unknown): string {
  if (text === undefined || text === null) return '';
  if (typeof text !== 'string') throw new AppError('field_invalid', '문자열이어야 합니다 (a string)', { field: 'description' });
  if ([...text].length > MAX_DESCRIPTION) throw new AppError('field_invalid', `${MAX_DESCRIPTION}자 이하입니다 (at most ${MAX_DESCRIPTION} characters)`, { field: 'description' });
  return text.trim();
}
