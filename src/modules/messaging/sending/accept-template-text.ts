/**
 * AlimTalk at acceptance (FACTS §0.3, Kakao result 3016 "메시지 내용이 템플릿과 일치하지 않음"): a recipient's text is
 * rendered from its `variables`, or, when the text is given, it must equal the approved template's body with
 * some substitution. A mismatch is refused here, naming the recipient and the variable or literal segment where
 * the text leaves the template — providers report it only at delivery.
 */
import { AppError } from '../../../platform/errors.ts';
import { matchesTemplate } from '../templates/render-template.ts';
import { parseTemplateText, renderText, type Variables } from '../templates/template-text.ts';

/** Where `text` first leaves `body` (read left to right, each variable taking text up to the next literal). */
export function describeMismatch(body: string, text: string): { variable?: string; segment?: string; position: number } {
  const pieces = parseTemplateText(body, 'body');
  let pos = 0;
  let lastVariable: string | undefined;
  for (let k = 0; k < pieces.length; k++) {
    const p = pieces[k]!;
    if ('literal' in p) {
      if (lastVariable !== undefined) {
        const at = text.indexOf(p.literal, pos);
        if (at < 0) return { variable: lastVariable, segment: p.literal, position: pos };
        pos = at;
        lastVariable = undefined;
      }
      if (!text.startsWith(p.literal, pos)) return { segment: p.literal, position: pos };
      pos += p.literal.length;
    } else lastVariable = p.variable;
  }
  if (lastVariable === undefined && pos < text.length) return { segment: text.slice(pos, pos + 20), position: pos };
  return lastVariable !== undefined ? { variable: lastVariable, position: pos } : { position: pos };
}

const clip = (s: string) => (s.length > 30 ? `${s.slice(0, 30)}…` : s).replace(/\n/g, '\\n');

/**
 * The AlimTalk text of one recipient: rendered from `variables`, or `text` checked against the body. `path` is
 * the recipient's path (`recipients[3]`); errors name `<path>.variables.<name>` or `<path>.text`.
 */
export function alimtalkText(body: string, path: string, text: string | undefined, variables: Variables | undefined, textField: string): string {
  if (variables !== undefined) {
    let rendered: string;
    try {
      rendered = renderText(body, variables);
    } catch (e) {
      if (e instanceof AppError && e.field?.startsWith('variables.')) throw e.withField(`${path}.${e.field}`);
      throw e;
    }
    if (text !== undefined && text !== rendered) throw mismatch(body, text, textField);
    return rendered;
  }
  if (text === undefined) throw new AppError('field_required', '알림톡은 템플릿 변수 값(variables) 또는 본문(text)이 필요합니다 (AlimTalk needs the template variables or the text)', { field: `${path}.variables` });
  if (!matchesTemplate({ body }, text)) throw mismatch(body, text, textField);
  return text;
}

function mismatch(body: string, text: string, field: string): AppError {
  const d = describeMismatch(body, text);
  const where =
    d.variable !== undefined && d.segment !== undefined
      ? `#{${d.variable}} 뒤에 템플릿 문구 "${clip(d.segment)}"가 없습니다 (after #{${d.variable}} the template text "${clip(d.segment)}" is missing)`
      : d.segment !== undefined
        ? `${d.position}번째 글자부터 템플릿 문구 "${clip(d.segment)}"와 다릅니다 (from character ${d.position} it differs from the template text "${clip(d.segment)}")`
        : d.variable !== undefined
          ? `#{${d.variable}} 부분이 템플릿과 맞지 않습니다 (the part of #{${d.variable}} does not match the template)`
          : '템플릿 본문과 다릅니다 (differs from the template body)';
  return new AppError('template_text_mismatch', `승인된 템플릿과 일치하지 않습니다, 카카오 결과 3016: ${where}`, {
    field,
    details: { ...(d.variable !== undefined ? { variable: d.variable } : {}), ...(d.segment !== undefined ? { segment: d.segment } : {}), position: d.position },
  });
}
