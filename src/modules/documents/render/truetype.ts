/**
 * The little of TrueType the PDF needs, read straight from the TTF bytes: the character map (format 4),
 * advance widths and side bearings, the font's vertical metrics, and subsetting (head, hhea, maxp, loca,
 * glyf, hmtx: what a PDF FontFile2 needs; without hinting, see withoutInstructions). Parsed once per process and kept:
 * pdfkit re-parsed the whole font for every document and decoded every glyph outline again to subset it,
 * which was most of a tax invoice's ~20 ms of CPU (bench/mail.bench.ts).
 */

interface TableRecord {
  offset: number;
  length: number;
}

/** Composite glyph component flags (OpenType glyf). */
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;
const WE_HAVE_INSTRUCTIONS = 0x0100;

/**
 * A glyph without its TrueType hinting instructions (simple glyph: instruction length set to 0; composite:
 * WE_HAVE_INSTRUCTIONS cleared and the trailing instructions dropped). NanumGothic's glyphs carry more
 * bytecode than outline (a subset of its ASCII was 31 KB with it); PDF viewers scale outlines freely and
 * mostly ignore or replace the hints, so embedded fonts go without them (as fpgm, prep and cvt).
 */
function withoutInstructions(bytes: Buffer): Buffer {
  if (bytes.length < 10) return bytes;
  const contours = bytes.readInt16BE(0);
  if (contours >= 0) {
    const at = 10 + 2 * contours;
    const n = bytes.readUInt16BE(at);
    if (n === 0) return bytes;
    const out = Buffer.alloc(bytes.length - n);
    bytes.copy(out, 0, 0, at);
    out.writeUInt16BE(0, at);
    bytes.copy(out, at + 2, at + 2 + n);
    return out;
  }
  let p = 10;
  for (;;) {
    const flags = bytes.readUInt16BE(p);
    const next = p + 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2) + (flags & WE_HAVE_A_SCALE ? 2 : flags & WE_HAVE_AN_X_AND_Y_SCALE ? 4 : flags & WE_HAVE_A_TWO_BY_TWO ? 8 : 0);
    if (!(flags & MORE_COMPONENTS)) {
      if (!(flags & WE_HAVE_INSTRUCTIONS)) return bytes;
      const out = Buffer.from(bytes.subarray(0, next));
      out.writeUInt16BE(flags & ~WE_HAVE_INSTRUCTIONS, p);
      return out;
    }
    p = next;
  }
}


export class TrueTypeFont {
  private readonly tables = new Map<string, TableRecord>();
  readonly unitsPerEm: number;
  readonly numGlyphs: number;
  readonly ascent: number;
  readonly descent: number;
  readonly lineGap: number;
  readonly bbox: { minX: number; minY: number; maxX: number; maxY: number };
  readonly italicAngle: number;
  readonly isFixedPitch: boolean;
  readonly italic: boolean;
  readonly familyClass: number;
  readonly capHeight: number;
  readonly xHeight: number;
  readonly postscriptName: string;
  private readonly longLoca: boolean;
  private readonly numberOfHMetrics: number;
  private readonly cmapSegments: { end: Uint16Array; start: Uint16Array; delta: Int16Array; rangeOffset: Uint16Array; rangeBase: number };
  private readonly gidCache = new Map<number, number>();

  constructor(readonly data: Buffer) {
    const b = data;
    const numTables = b.readUInt16BE(4);
    for (let i = 0; i < numTables; i++) {
      const o = 12 + 16 * i;
      this.tables.set(b.toString('latin1', o, o + 4), { offset: b.readUInt32BE(o + 8), length: b.readUInt32BE(o + 12) });
    }
    const head = this.table('head').offset;
    this.unitsPerEm = b.readUInt16BE(head + 18);
    this.bbox = { minX: b.readInt16BE(head + 36), minY: b.readInt16BE(head + 38), maxX: b.readInt16BE(head + 40), maxY: b.readInt16BE(head + 42) };
    this.italic = (b.readUInt16BE(head + 44) & 0x02) !== 0;
    this.longLoca = b.readInt16BE(head + 50) === 1;
    this.numGlyphs = b.readUInt16BE(this.table('maxp').offset + 4);
    const hhea = this.table('hhea').offset;
    this.ascent = b.readInt16BE(hhea + 4);
    this.descent = b.readInt16BE(hhea + 6);
    this.lineGap = b.readInt16BE(hhea + 8);
    this.numberOfHMetrics = b.readUInt16BE(hhea + 34);
    const post = this.tables.get('post');
    this.italicAngle = post ? b.readInt32BE(post.offset + 4) / 65536 : 0;
    this.isFixedPitch = post ? b.readUInt32BE(post.offset + 12) !== 0 : false;
    const os2 = this.tables.get('OS/2');
    this.familyClass = os2 ? b.readInt16BE(os2.offset + 30) : 0;
    const os2Version = os2 ? b.readUInt16BE(os2.offset) : 0;
    this.xHeight = os2 && os2Version >= 2 ? b.readInt16BE(os2.offset + 86) : 0;
    this.capHeight = os2 && os2Version >= 2 ? b.readInt16BE(os2.offset + 88) : 0;
    this.postscriptName = this.readPostscriptName();
    this.cmapSegments = this.readCmap();
  }

  private table(tag: string): TableRecord {
    const t = this.tables.get(tag);
    if (!t) throw new Error(`TrueType font has no ${tag} table`);
    return t;
  }

  private readPostscriptName(): string {
    const name = this.tables.get('name');
    if (!name) return 'Font';
    const b = this.data;
    const count = b.readUInt16BE(name.offset + 2);
    const strings = name.offset + b.readUInt16BE(name.offset + 4);
    for (let i = 0; i < count; i++) {
      const r = name.offset + 6 + 12 * i;
      const platform = b.readUInt16BE(r);
      const nameId = b.readUInt16BE(r + 6);
      if (nameId !== 6) continue;
      const len = b.readUInt16BE(r + 8);
      const off = strings + b.readUInt16BE(r + 10);
      if (platform === 3 || platform === 0) return b.subarray(off, off + len).swap16().toString('utf16le');
      if (platform === 1) return b.toString('latin1', off, off + len);
    }
    return 'Font';
  }

  /** The Unicode BMP subtable (platform 3 encoding 1, or platform 0), format 4. */
  private readCmap(): TrueTypeFont['cmapSegments'] {
    const b = this.data;
    const cmap = this.table('cmap').offset;
    const n = b.readUInt16BE(cmap + 2);
    let sub = -1;
    for (let i = 0; i < n; i++) {
      const platform = b.readUInt16BE(cmap + 4 + 8 * i);
      const encoding = b.readUInt16BE(cmap + 6 + 8 * i);
      const off = cmap + b.readUInt32BE(cmap + 8 + 8 * i);
      if (b.readUInt16BE(off) !== 4) continue;
      if ((platform === 3 && encoding === 1) || (platform === 0 && sub < 0)) sub = off;
    }
    if (sub < 0) throw new Error('TrueType font has no Unicode format-4 cmap');
    const segX2 = b.readUInt16BE(sub + 6);
    const segs = segX2 / 2;
    const end = new Uint16Array(segs);
    const start = new Uint16Array(segs);
    const delta = new Int16Array(segs);
    const rangeOffset = new Uint16Array(segs);
    const endAt = sub + 14;
    const startAt = endAt + segX2 + 2;
    const deltaAt = startAt + segX2;
    const rangeAt = deltaAt + segX2;
    for (let i = 0; i < segs; i++) {
      end[i] = b.readUInt16BE(endAt + 2 * i);
      start[i] = b.readUInt16BE(startAt + 2 * i);
      delta[i] = b.readInt16BE(deltaAt + 2 * i);
      rangeOffset[i] = b.readUInt16BE(rangeAt + 2 * i);
    }
    return { end, start, delta, rangeOffset, rangeBase: rangeAt };
  }

  /** Glyph id of a code point (0, the .notdef glyph, when the font has none). */
  glyphId(codePoint: number): number {
    const cached = this.gidCache.get(codePoint);
    if (cached !== undefined) return cached;
    let gid = 0;
    if (codePoint <= 0xffff) {
      const { end, start, delta, rangeOffset, rangeBase } = this.cmapSegments;
      let lo = 0;
      let hi = end.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((end[mid] ?? 0) < codePoint) lo = mid + 1;
        else hi = mid;
      }
      if ((start[lo] ?? 0x10000) <= codePoint && codePoint <= (end[lo] ?? -1)) {
        const ro = rangeOffset[lo] ?? 0;
        if (ro === 0) gid = (codePoint + (delta[lo] ?? 0)) & 0xffff;
        else {
          const at = rangeBase + 2 * lo + ro + 2 * (codePoint - (start[lo] ?? 0));
          const g = at + 2 <= this.data.length ? this.data.readUInt16BE(at) : 0;
          gid = g === 0 ? 0 : (g + (delta[lo] ?? 0)) & 0xffff;
        }
      }
      if (gid >= this.numGlyphs) gid = 0;
    }
    this.gidCache.set(codePoint, gid);
    return gid;
  }

  /** Advance width of a glyph in font units. */
  advance(gid: number): number {
    const hmtx = this.table('hmtx').offset;
    const i = Math.min(gid, this.numberOfHMetrics - 1);
    return this.data.readUInt16BE(hmtx + 4 * i);
  }

  private leftBearing(gid: number): number {
    const hmtx = this.table('hmtx').offset;
    if (gid < this.numberOfHMetrics) return this.data.readInt16BE(hmtx + 4 * gid + 2);
    return this.data.readInt16BE(hmtx + 4 * this.numberOfHMetrics + 2 * (gid - this.numberOfHMetrics));
  }

  private locaOffset(gid: number): number {
    const loca = this.table('loca').offset;
    return this.longLoca ? this.data.readUInt32BE(loca + 4 * gid) : 2 * this.data.readUInt16BE(loca + 2 * gid);
  }

  /** The glyf bytes of one glyph (empty for a glyph without outline). */
  private glyphBytes(gid: number): Buffer {
    const glyf = this.table('glyf');
    const from = this.locaOffset(gid);
    const to = Math.min(this.locaOffset(gid + 1), glyf.length);
    return to > from ? this.data.subarray(glyf.offset + from, glyf.offset + to) : Buffer.alloc(0);
  }

  /** Byte positions (inside the glyph) and glyph ids of a composite glyph's components; [] for a simple glyph. */
  private components(bytes: Buffer): { pos: number; gid: number }[] {
    if (bytes.length < 10 || bytes.readInt16BE(0) >= 0) return [];
    const out: { pos: number; gid: number }[] = [];
    let p = 10;
    for (;;) {
      const flags = bytes.readUInt16BE(p);
      out.push({ pos: p + 2, gid: bytes.readUInt16BE(p + 2) });
      p += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
      if (flags & WE_HAVE_A_SCALE) p += 2;
      else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) p += 4;
      else if (flags & WE_HAVE_A_TWO_BY_TWO) p += 8;
      if (!(flags & MORE_COMPONENTS)) return out;
    }
  }

  /**
   * A TrueType font of the given glyphs, renumbered in order (the first must be 0, .notdef): glyph `gids[i]`
   * becomes glyph i, which is what a PDF CIDFontType2 with CIDToGIDMap Identity addresses as CID i.
   * Components of composite glyphs (Hangul syllables are composites of jamo) are appended after the given
   * glyphs; the returned `gids` lists every glyph of the subset in its order.
   */
  subset(wanted: readonly number[]): { ttf: Buffer; gids: number[] } {
    const gids = [...wanted];
    const index = new Map<number, number>();
    gids.forEach((g, i) => index.set(g, i));
    const glyphs: Buffer[] = [];
    for (let i = 0; i < gids.length; i++) {
      const gid = gids[i] ?? 0;
      let bytes = withoutInstructions(this.glyphBytes(gid));
      const parts = this.components(bytes);
      if (parts.length > 0) {
        if (bytes.buffer === this.data.buffer) bytes = Buffer.from(bytes); // a copy: the component ids are rewritten
        for (const part of parts) {
          let to = index.get(part.gid);
          if (to === undefined) {
            to = gids.length;
            gids.push(part.gid);
            index.set(part.gid, to);
          }
          bytes.writeUInt16BE(to, part.pos);
        }
      }
      glyphs.push(bytes);
    }
    // glyf (each glyph padded to 4 bytes), long loca, hmtx with a full metric per glyph
    const padded = glyphs.map((g) => (g.length % 4 === 0 ? g : Buffer.concat([g, Buffer.alloc(4 - (g.length % 4))])));
    const glyf = Buffer.concat(padded);
    const loca = Buffer.alloc(4 * (gids.length + 1));
    const hmtx = Buffer.alloc(4 * gids.length);
    let offset = 0;
    gids.forEach((gid, i) => {
      loca.writeUInt32BE(offset, 4 * i);
      offset += padded[i]?.length ?? 0;
      hmtx.writeUInt16BE(this.advance(gid), 4 * i);
      hmtx.writeInt16BE(this.leftBearing(gid), 4 * i + 2);
    });
    loca.writeUInt32BE(offset, 4 * gids.length);
    const copy = (tag: string): Buffer => {
      const t = this.table(tag);
      return Buffer.from(this.data.subarray(t.offset, t.offset + t.length));
    };
    const head = copy('head');
    head.writeUInt32BE(0, 8); // checkSumAdjustment, set below
    head.writeInt16BE(1, 50); // long loca
    const hhea = copy('hhea');
    hhea.writeUInt16BE(gids.length, 34);
    const maxp = copy('maxp');
    maxp.writeUInt16BE(gids.length, 4);
    const tables: [string, Buffer][] = [
      ['head', head],
      ['hhea', hhea],
      ['loca', loca],
      ['maxp', maxp],
      ['glyf', glyf],
      ['hmtx', hmtx],
    ];
    tables.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { ttf: writeSfnt(tables), gids };
  }
}

function checksum(buf: Buffer): number {
  let sum = 0;
  const whole = buf.length - (buf.length % 4);
  for (let i = 0; i < whole; i += 4) sum = (sum + buf.readUInt32BE(i)) >>> 0;
  if (whole < buf.length) {
    const tail = Buffer.alloc(4);
    buf.copy(tail, 0, whole);
    sum = (sum + tail.readUInt32BE(0)) >>> 0;
  }
  return sum;
}

/** An sfnt file of the given tables (sorted by tag), with checksums and head.checkSumAdjustment. */
function writeSfnt(tables: [string, Buffer][]): Buffer {
  const n = tables.length;
  let entrySelector = 0;
  while (1 << (entrySelector + 1) <= n) entrySelector++;
  const searchRange = (1 << entrySelector) * 16;
  const header = Buffer.alloc(12 + 16 * n);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(n, 4);
  header.writeUInt16BE(searchRange, 6);
  header.writeUInt16BE(entrySelector, 8);
  header.writeUInt16BE(n * 16 - searchRange, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  let headAt = -1;
  tables.forEach(([tag, data], i) => {
    const r = 12 + 16 * i;
    header.write(tag, r, 4, 'latin1');
    header.writeUInt32BE(checksum(data), r + 4);
    header.writeUInt32BE(offset, r + 8);
    header.writeUInt32BE(data.length, r + 12);
    if (tag === 'head') headAt = offset;
    const pad = (4 - (data.length % 4)) % 4;
    parts.push(data);
    if (pad) parts.push(Buffer.alloc(pad));
    offset += data.length + pad;
  });
  const file = Buffer.concat(parts);
  if (headAt >= 0) file.writeUInt32BE((0xb1b0afba - checksum(file)) >>> 0, headAt + 8);
  return file;
}
