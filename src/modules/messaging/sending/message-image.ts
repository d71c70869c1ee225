/**
 * Images of MMS and FriendTalk photo messages (FACTS §4.1): JPEG only, ≤ 300 KB, ≤ 1000×1000 px. The format and
 * the dimensions are read from the bytes with image-size (a kept image library), never from a name: a PNG
 * called photo.jpg is refused.
 */
import { imageSize } from 'image-size';
import { AppError } from '../../../platform/errors.ts';

export const IMAGE_LIMITS = { bytes: 300 * 1024, width: 1000, height: 1000 } as const;

export interface MessageImage {
  /** base64 of the JPEG, as given (canonical base64) */
  data: string;
  bytes: number;
  width: number;
  height: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function readMessageImage(value: unknown, field: string): MessageImage {
  const bad = (why: string) => new AppError('message_image_invalid', why, { field });
  const text = typeof value === 'string' ? value.replace(/\s+/g, '') : typeof value === 'object' && value !== null && typeof (value as { data?: unknown }).data === 'string' ? (value as { data: string }).data.replace(/\s+/g, '') : undefined;
  if (text === undefined || text === '' || text.length % 4 !== 0 || !BASE64.test(text)) throw bad('base64로 쓴 JPEG 파일이어야 합니다 (a JPEG file in base64)');
  // 300 KB of bytes is at most 409,600 base64 characters: refuse before decoding more than that
  if (text.length > Math.ceil(IMAGE_LIMITS.bytes / 3) * 4) throw bad(`이미지는 최대 ${IMAGE_LIMITS.bytes / 1024}KB입니다 (at most ${IMAGE_LIMITS.bytes / 1024} KB)`);
  const buf = Buffer.from(text, 'base64');
  if (buf.length > IMAGE_LIMITS.bytes) throw bad(`이미지는 최대 ${IMAGE_LIMITS.bytes / 1024}KB입니다, 지금 ${buf.length}바이트 (at most ${IMAGE_LIMITS.bytes / 1024} KB, now ${buf.length} bytes)`);
  let info: { type?: string; width?: number; height?: number };
  try {
    info = imageSize(new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
  } catch {
    throw bad('이미지 파일로 읽을 수 없습니다, JPEG만 보낼 수 있습니다 (not a readable image; JPEG only)');
  }
  if (info.type !== 'jpg') throw bad(`JPEG만 보낼 수 있습니다, 이 파일은 ${String(info.type ?? '알 수 없음').toUpperCase()}입니다 (JPEG only; this file is ${String(info.type ?? 'unknown').toUpperCase()})`);
  const width = info.width ?? 0;
  const height = info.height ?? 0;
  if (width < 1 || height < 1) throw bad('이미지의 크기를 읽을 수 없습니다 (the image has no readable dimensions)');
  if (width > IMAGE_LIMITS.width || height > IMAGE_LIMITS.height) {
    throw bad(`이미지는 최대 ${IMAGE_LIMITS.width}×${IMAGE_LIMITS.height}px입니다, 지금 ${width}×${height}px (at most ${IMAGE_LIMITS.width}×${IMAGE_LIMITS.height} px, now ${width}×${height})`);
  }
  return { data: buf.toString('base64'), bytes: buf.length, width, height };
}
