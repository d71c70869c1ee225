/**
 * The built-in AlimTalk template of document notices (HANBILL_DOC_ISSUED) and its LMS fallback, as Popbill and
 * Barobill send them (a 발행 안내 headline, who issued what, the amounts, a link to the document). The template is
 * the platform's own, registered with Kakao on the notice channel (HANBILL_NOTICE_SENDER_KEY): it is not a row of
 * kakao_templates, and the text is rendered here with the real values.
 */
import { renderText } from '../templates/template-text.ts';
import { eucKrBytes } from '../sending/euc-kr.ts';

export const NOTICE_TEMPLATE_CODE = 'HANBILL_DOC_ISSUED';
export const NOTICE_TEMPLATE_NAME = '전자(세금)계산서 발행 안내';

export const NOTICE_TEMPLATE_BODY = [
  '[#{문서종류} 발행 안내]',
  '#{공급받는자} 귀하',
  '#{공급자}에서 #{문서종류}를 발행했습니다.',
  '',
  '■ 작성일자: #{작성일자}',
  '■ 공급가액: #{공급가액}원',
  '■ 세액: #{세액}원',
  '■ 합계: #{합계}원',
  '■ 승인번호: #{승인번호}',
  '',
  '문서보기: #{링크}',
].join('\n');

/** What a notice says: plain values of the issued document, formatted here. */
export interface NoticeFacts {
  /** 세금계산서, 수정세금계산서, 계산서, 수정계산서 */
  documentLabel: string;
  supplierName: string;
  buyerName: string;
  /** YYYYMMDD */
  writeDate: string;
  supply: number;
  tax: number;
  total: number;
  /** 24-digit NTS approval number */
  issueId: string;
  /** the 문서보기 link of the mail */
  link: string;
}

export type NoticeVariables = Record<string, string>;

const won = (n: number) => n.toLocaleString('ko-KR');

export function noticeVariables(f: NoticeFacts): NoticeVariables {
  return {
    문서종류: f.documentLabel,
    공급받는자: f.buyerName,
    공급자: f.supplierName,
    작성일자: `${f.writeDate.slice(0, 4)}-${f.writeDate.slice(4, 6)}-${f.writeDate.slice(6, 8)}`,
    공급가액: won(f.supply),
    세액: won(f.tax),
    합계: won(f.total),
    승인번호: f.issueId,
    링크: f.link,
  };
}

/** The AlimTalk text: the template with the values substituted. */
export function renderNotice(vars: NoticeVariables): string {
  return renderText(NOTICE_TEMPLATE_BODY, vars);
}

/**
 * The LMS fallback (FACTS §6: a failed AlimTalk is resent as a text message from a registered number): the same
 * text with a subject, in EUC-KR — a character EUC-KR cannot hold (a name written with CP949's extension, an
 * emoji) becomes '?' as a carrier would make it, instead of failing the fallback.
 */
export function noticeFallback(vars: NoticeVariables): { kind: 'lms'; subject: string; text: string } {
  return { kind: 'lms', subject: toEucKr(`${vars['문서종류'] ?? '계산서'} 발행 안내`), text: toEucKr(renderNotice(vars)) };
}

function toEucKr(text: string): string {
  let out = '';
  for (const ch of text) out += 'bad' in eucKrBytes(ch) ? '?' : ch;
  return out;
}
