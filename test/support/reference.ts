/**
 * The shared reference material (NTS samples, NPKI test fixture) lives beside the checkout in
 * `../shared/reference` (as in CI); HANBILL_REFERENCE_DIR points elsewhere when needed.
 */
import path from 'node:path';

export const REFERENCE_DIR = process.env['HANBILL_REFERENCE_DIR'] ?? path.resolve(import.meta.dirname, '../../../shared/reference');

export function referencePath(rel = ''): string {
  return path.join(REFERENCE_DIR, rel);
}
