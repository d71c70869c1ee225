/**
 * The `certificate_invalid` AppErrors of the signing module, worded once (Korean + English).
 * `field` names what the user has to fix: 'password', 'signCert', 'signPri', 'pfx', ...
 */
import { AppError } from '../../platform/errors.ts';

export function wrongPasswordError(cause?: unknown): AppError {
  return new AppError(
    'certificate_invalid',
    '인증서 비밀번호가 올바르지 않습니다 (wrong certificate password)',
    { field: 'password', cause },
  );
}

export function certificateFileError(field: string, korean: string, english: string, cause?: unknown): AppError {
  return new AppError('certificate_invalid', `${korean} (${english})`, { field, cause });
}
