/**
 * /favicon.ico: browsers ask for it on every page, and a 404 shows up as a console error. A 16×16 32-bit icon
 * — a white "H" on the portal header's navy (#1d3a6e) — built here from a bitmap drawing so no binary file
 * has to be shipped; cached for a day.
 */
import type { FastifyInstance } from 'fastify';

const DRAWING = [
  '................',
  '................',
  '................',
  '...##......##...',
  '...##......##...',
  '...##......##...',
  '...##......##...',
  '...##########...',
  '...##########...',
  '...##......##...',
  '...##......##...',
  '...##......##...',
  '...##......##...',
  '................',
  '................',
  '................',
];

/** ICO container (ICONDIR + one ICONDIRENTRY) around a BITMAPINFOHEADER image: BGRA rows bottom-up, then an empty AND mask. */
export function faviconIco(): Buffer {
  const size = 16;
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    const row = DRAWING[size - 1 - y]!; // bitmaps are stored bottom-up
    for (let x = 0; x < size; x++) {
      const [b, g, r] = row[x] === '#' ? [0xff, 0xff, 0xff] : [0x6e, 0x3a, 0x1d];
      pixels.set([b, g, r, 0xff], (y * size + x) * 4);
    }
  }
  const mask = Buffer.alloc(size * 4); // 1 bit per pixel, rows padded to 4 bytes; all 0 = opaque
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // XOR image + AND mask
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  header.writeUInt32LE(pixels.length + mask.length, 20);
  const image = Buffer.concat([header, pixels, mask]);
  const dir = Buffer.alloc(6 + 16);
  dir.writeUInt16LE(0, 0);
  dir.writeUInt16LE(1, 2); // icon
  dir.writeUInt16LE(1, 4); // one image
  dir.writeUInt8(size, 6);
  dir.writeUInt8(size, 7);
  dir.writeUInt16LE(1, 10); // planes
  dir.writeUInt16LE(32, 12); // bits per pixel
  dir.writeUInt32LE(image.length, 14);
  dir.writeUInt32LE(dir.length, 18);
  return Buffer.concat([dir, image]);
}

export function faviconRoute(app: FastifyInstance): void {
  const ico = faviconIco();
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('content-type', 'image/x-icon').header('cache-control', 'public, max-age=86400').send(ico),
  );
}
