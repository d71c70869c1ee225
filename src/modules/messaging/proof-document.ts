/**
 * The proof document of a sender-number registration (통신서비스 이용증명원, 재직증명서 …): PDF, JPEG or PNG,
 * recognised by its magic bytes (never by a name or a declared type), at most 5 MB, sent as base64 in JSON.
 */
import { AppError, requiredError } from '../../platform/errors.ts';
import { textCharacterProblem } from '../../platform/input.ts';

export const MAX_PROOF_BYTES = 5 * 1024 * 1024;

export type ProofContentType = 'application/pdf' | 'image/jpeg' | 'image/png';

export interface ProofDocument {
  fileName: string;
  contentType: ProofContentType;
  content: Buffer;
}

const SIGNATURES: readonly { type: ProofContentType; magic: Buffer }[] = [
  { type: 'application/pdf', magic: Buffer.from('%PDF-', 'latin1') },
  { type: 'image/jpeg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
  { type: 'image/png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
];

/** The content type its first bytes say, or undefined. */
export function sniffProofType(content: Buffer): ProofContentType | undefined {
  return SIGNATURES.find((s) => content.length >= s.magic.length && content.subarray(0, s.magic.length).equals(s.magic))?.type;
}

/** Standard base64 with padding (one character class: no backtracking on megabytes). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Reads `{ fileName, data }` (data: standard base64) at `field`; refuses naming `field.data` / `field.fileName`. */
export function readProofDocument(value: unknown, field: string): ProofDocument {
  if (value === undefined || value === null) throw requiredError(field);
  if (typeof value !== 'object' || Array.isArray(value)) throw new AppError('field_invalid', '{ fileName, data } 객체여야 합니다 (expected an object { fileName, data })', { field });
  const { fileName, data } = value as Record<string, unknown>;
  if (typeof fileName !== 'string' || fileName.trim() === '') throw requiredError(`${field}.fileName`);
  const name = fileName.trim();
  const bad = textCharacterProblem(name, false);
  if (bad) throw new AppError('field_invalid', bad, { field: `${field}.fileName` });
  if ([...name].length > 200) throw new AppError('field_invalid', '최대 200자입니다 (at most 200 characters)', { field: `${field}.fileName` });
  if (/[\\/]/.test(name)) throw new AppError('field_invalid', '경로 없이 파일 이름만 보내세요 (a file name without a path)', { field: `${field}.fileName` });
  if (typeof data !== 'string' || data === '') throw requiredError(`${field}.data`);
  // 5 MB of content is at most this much base64: refuse before decoding anything larger
  if (data.length > Math.ceil(MAX_PROOF_BYTES / 3) * 4) throw new AppError('proof_document_invalid', '파일은 5MB 이하여야 합니다 (at most 5 MB)', { field: `${field}.data` });
  if (data.length % 4 !== 0 || !BASE64.test(data)) throw new AppError('field_invalid', 'base64여야 합니다 (expected standard base64)', { field: `${field}.data` });
  const content = Buffer.from(data, 'base64');
  if (content.length === 0) throw requiredError(`${field}.data`);
  if (content.length > MAX_PROOF_BYTES) throw new AppError('proof_document_invalid', '파일은 5MB 이하여야 합니다 (at most 5 MB)', { field: `${field}.data` });
  const contentType = sniffProofType(content);
  if (!contentType) throw new AppError('proof_document_invalid', 'PDF, JPEG, PNG 파일만 올릴 수 있습니다, 파일 내용으로 판단 (PDF, JPEG or PNG only, recognised by the content)', { field: `${field}.data` });
  return { fileName: name, contentType, content };
}
