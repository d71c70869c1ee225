/**
 * Text of the invoice PDF in NanumGothic, written without pdfkit's font machinery (pdfkit still draws the
 * lines, boxes and colours and writes the file). Per weight, two embedded fonts:
 *
 * - the **prepared** font: the glyphs every form needs (all labels of both languages, the code labels,
 *   ASCII, the words of amounts, common symbols) subsetted and compressed **once per process**; each PDF
 *   embeds the same bytes (no subsetting, no deflate per document);
 * - the **document's own** font: only the characters of this document that the prepared one lacks (rare
 *   syllables of names, addresses, items), subsetted from the font parsed once (truetype.ts) when the PDF
 *   is finished.
 *
 * Both are CIDFontType2 / Identity-H with a ToUnicode map, so every character is extractable (pdftotext)
 * and drawn with its own glyph. Widths come from the font's advance widths (no kerning: NanumGothic's
 * Hangul has none, and measuring and drawing use the same numbers, so fitting and alignment agree).
 * Measured (bench/mail.bench.ts): a tax invoice took ~20 ms of CPU with pdfkit's per-document font parse,
 * layout and subsetting.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { BUYER_ID_TYPE_LABELS, DOCUMENT_KIND_LABELS, PAYMENT_MEAN_LABELS, PURPOSE_LABELS, TAX_TYPE_LABELS } from '../labels.ts';
import { FORM_TEXT } from './invoice-view.ts';
import { TrueTypeFont } from './truetype.ts';

type Doc = PDFKit.PDFDocument;
type Ref = ReturnType<Doc['ref']>;

export type Weight = 'R' | 'B';

const require = createRequire(import.meta.url);

const FONT_FILES: Record<Weight, string> = {
  R: '@expo-google-fonts/nanum-gothic/400Regular/NanumGothic_400Regular.ttf',
  B: '@expo-google-fonts/nanum-gothic/700Bold/NanumGothic_700Bold.ttf',
};

/**
 * The prepared characters, per weight. Each costs every PDF ~0.1–0.2 KB, so names and addresses are left to
 * the document's own font, and the regular weight prepares only what the form prints in it (values, the
 * footer, the copy label; the labels are bold). A character missing here is still printed, from the
 * document's own font: these lists decide only size and speed.
 */
const ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
const SYMBOLS = '₩…·→※㈜’';
/** The words of amounts (일금 … 원정) and the usual state labels of the footer. */
const COMMON_TEXT = '일이삼사오육칠팔구십백천만억조영원정금 발행완료미열람전송승인거부취소';

/** Keys of FORM_TEXT that only the HTML page and the mail print. */
const NOT_IN_PDF = new Set(['downloadPdf', 'downloadXml', 'approve', 'reject', 'rejectReason', 'approveHint', 'rejectHint', 'attachedStatement', 'issuedBy', 'items', 'grandTotal']);
/** Keys of FORM_TEXT the form prints in the regular weight. */
const REGULAR_KEYS = new Set(['copySupplier', 'copyBuyer', 'issuedAt', 'dockey', 'type', 'procState', 'readState', 'ntsState', 'page', 'thisAmountBefore', 'thisAmountAfter', 'originalIssueId']);

function collect(out: string[], v: unknown): void {
  if (typeof v === 'string') out.push(v);
  else if (typeof v === 'function') out.push(String((v as (a: number, b: number) => unknown)(1, 2)));
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(out, x);
}

/** The characters prepared in one weight: form labels in both languages, code labels, ASCII. */
function formCharacters(weight: Weight): string {
  const out: string[] = [ASCII, SYMBOLS, COMMON_TEXT];
  for (const text of Object.values(FORM_TEXT)) {
    for (const [key, value] of Object.entries(text)) {
      if (!NOT_IN_PDF.has(key) && (weight === 'B' || REGULAR_KEYS.has(key))) collect(out, value);
    }
  }
  // 영수/청구, payment means and the titles are bold; of the values (regular) only the document kinds are prepared:
  // a document prints one 종류 and at most one 수정사유, whose rarer characters (영세율, 위수탁, 착오 …) cost
  // less in its own font (measured: 58.8 KB → 56.7 KB per PDF, same CPU)
  const tables = weight === 'B' ? [PURPOSE_LABELS, DOCUMENT_KIND_LABELS, PAYMENT_MEAN_LABELS, BUYER_ID_TYPE_LABELS] : [DOCUMENT_KIND_LABELS, TAX_TYPE_LABELS];
  for (const table of tables) collect(out, table);
  return out.join('');
}

/** End a stream-less object (pdfkit's end() takes an optional chunk; its types say it is required). */
function endRef(ref: Ref): void {
  (ref as unknown as { end(): void }).end();
}

/** PDF number: fixed-point, no exponent. */
function num(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

function utf16Hex(codePoint: number): string {
  if (codePoint <= 0xffff) return hex4(codePoint);
  const v = codePoint - 0x10000;
  return hex4(0xd800 | (v >> 10)) + hex4(0xdc00 | (v & 0x3ff));
}

/** ToUnicode CMap text for CIDs 0..n-1 (`codePoints[cid]`, undefined: not mapped), as pdfkit writes it. */
function toUnicodeCmap(codePoints: (number | undefined)[]): string {
  const ranges: string[] = [];
  for (let start = 0; start < codePoints.length; start += 256) {
    const chunk = codePoints.slice(start, start + 256).map((cp) => `<${utf16Hex(cp ?? 0)}>`);
    ranges.push(`<${hex4(start)}> <${hex4(start + chunk.length - 1)}> [${chunk.join(' ')}]`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo <<\n  /Registry (Adobe)\n  /Ordering (UCS)\n  /Supplement 0\n>> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000><ffff>',
    'endcodespacerange',
    `${ranges.length} beginbfrange`,
    ...ranges,
    'endbfrange',
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

/** One weight of NanumGothic: the parsed font, its metrics in PDF units (1/1000 em) and the prepared subset. */
export class FontFace {
  readonly ttf: TrueTypeFont;
  readonly scale: number;
  readonly ascender: number;
  readonly descender: number;
  private readonly widthCache = new Map<number, number>();
  /** Prepared subset: code point → CID. */
  readonly baseCid = new Map<number, number>();
  readonly baseWidths: number[];
  readonly baseFontFile: Buffer;
  readonly baseFontFileLength: number;
  readonly baseToUnicode: Buffer;

  constructor(
    readonly weight: Weight,
    data: Buffer,
    baseText: string = formCharacters(weight),
  ) {
    this.ttf = new TrueTypeFont(data);
    this.scale = 1000 / this.ttf.unitsPerEm;
    this.ascender = this.ttf.ascent * this.scale;
    this.descender = this.ttf.descent * this.scale;
    const gids = [0];
    const cidOfGid = new Map<number, number>([[0, 0]]);
    const cps: (number | undefined)[] = [0];
    for (const ch of new Set(baseText)) {
      const cp = ch.codePointAt(0) ?? 0;
      const gid = this.ttf.glyphId(cp);
      if (gid === 0) continue;
      let cid = cidOfGid.get(gid);
      if (cid === undefined) {
        cid = gids.length;
        gids.push(gid);
        cidOfGid.set(gid, cid);
        cps.push(cp);
      }
      this.baseCid.set(cp, cid);
    }
    const { ttf } = this.ttf.subset(gids);
    this.baseWidths = gids.map((g) => this.ttf.advance(g) * this.scale);
    this.baseFontFile = deflateSync(ttf);
    this.baseFontFileLength = ttf.length;
    this.baseToUnicode = deflateSync(Buffer.from(toUnicodeCmap(cps), 'latin1'));
  }

  /** Advance width of a code point in 1/1000 em. */
  width(cp: number): number {
    let w = this.widthCache.get(cp);
    if (w === undefined) {
      w = this.ttf.advance(this.ttf.glyphId(cp)) * this.scale;
      this.widthCache.set(cp, w);
    }
    return w;
  }

  /** The FontDescriptor entries (as pdfkit computes them for an embedded TrueType font). */
  descriptor(fontName: string): Record<string, unknown> {
    const t = this.ttf;
    const familyClass = (t.familyClass || 0) >> 8;
    let flags = 1 << 2;
    if (t.isFixedPitch) flags |= 1 << 0;
    if (familyClass >= 1 && familyClass <= 7) flags |= 1 << 1;
    if (familyClass === 10) flags |= 1 << 3;
    if (t.italic) flags |= 1 << 6;
    const s = this.scale;
    return {
      Type: 'FontDescriptor',
      FontName: fontName,
      Flags: flags,
      FontBBox: [t.bbox.minX * s, t.bbox.minY * s, t.bbox.maxX * s, t.bbox.maxY * s],
      ItalicAngle: t.italicAngle,
      Ascent: this.ascender,
      Descent: this.descender,
      CapHeight: (t.capHeight || t.ascent) * s,
      XHeight: (t.xHeight || 0) * s,
      StemV: 0,
    };
  }
}

let faces: Record<Weight, FontFace> | undefined;

/**
 * A TTF file with 16 zero bytes appended (kept from the pdfkit days: fontkit read past the end of these
 * NanumGothic builds, whose last glyph — the space — is empty at the very end of the file).
 */
function loadFont(spec: string): Buffer {
  return Buffer.concat([readFileSync(require.resolve(spec)), Buffer.alloc(16)]);
}

/** Both weights, read, parsed and their prepared subsets built once per process. */
export function fontFaces(): Record<Weight, FontFace> {
  faces ??= { R: new FontFace('R', loadFont(FONT_FILES.R)), B: new FontFace('B', loadFont(FONT_FILES.B)) };
  return faces;
}

/** Subset tags (six capitals) of the embedded fonts, per weight and kind. */
const TAGS: Record<Weight, { base: string; own: string }> = { R: { base: 'HBFRMR', own: 'HBDOCR' }, B: { base: 'HBFRMB', own: 'HBDOCB' } };

interface OwnFont {
  ref: Ref;
  /** code point → CID (1…), in order of first use. */
  cid: Map<number, number>;
  gids: number[];
  codePoints: number[];
}

/** The text of one PDF document: measures, draws and, at `finish`, embeds the fonts it used. */
export class DocumentText {
  private readonly base: Partial<Record<Weight, Ref>> = {};
  private readonly own: Partial<Record<Weight, OwnFont>> = {};

  constructor(
    readonly doc: Doc,
    readonly faces: Record<Weight, FontFace> = fontFaces(),
  ) {}

  private face(bold: boolean | undefined): FontFace {
    return this.faces[bold ? 'B' : 'R'];
  }

  /** Width of `text` at `size` points. */
  width(text: string, size: number, bold?: boolean): number {
    const f = this.face(bold);
    let w = 0;
    for (const ch of text) w += f.width(ch.codePointAt(0) ?? 0);
    return (w * size) / 1000;
  }

  /** Height of one line at `size` (ascender − descender, what pdfkit's currentLineHeight() gives). */
  lineHeight(size: number, bold?: boolean): number {
    const f = this.face(bold);
    return ((f.ascender - f.descender) * size) / 1000;
  }

  /** Draw one line of `text` with its line box's top-left at (x, y), in the current fill colour. */
  draw(text: string, x: number, y: number, size: number, bold?: boolean): void {
    if (text === '') return;
    const weight: Weight = bold ? 'B' : 'R';
    const f = this.faces[weight];
    const page = (this.doc as unknown as { page: { height: number; fonts: Record<string, Ref> } }).page;
    const runs: string[] = [];
    let current = '';
    let hexes = '';
    const flush = () => {
      if (hexes !== '') runs.push(`/${current} ${num(size)} Tf <${hexes}> Tj`);
      hexes = '';
    };
    for (const ch of text) {
      if (ch === '\n' || ch === '\r') continue;
      const cp = ch.codePointAt(0) ?? 0;
      let name: string;
      let cid = f.baseCid.get(cp);
      if (cid !== undefined || f.ttf.glyphId(cp) === 0) {
        cid ??= 0;
        name = `H${weight}`;
        page.fonts[name] ??= this.baseRef(weight);
      } else {
        const own = this.ownFont(weight);
        cid = own.cid.get(cp);
        if (cid === undefined) {
          const gid = f.ttf.glyphId(cp);
          const same = own.gids.indexOf(gid);
          cid = same >= 0 ? same : own.gids.length;
          if (same < 0) {
            own.gids.push(gid);
            own.codePoints.push(cp);
          }
          own.cid.set(cp, cid);
        }
        name = `H${weight}x`;
        page.fonts[name] ??= own.ref;
      }
      if (name !== current) {
        flush();
        current = name;
      }
      hexes += hex4(cid);
    }
    flush();
    if (runs.length === 0) return;
    const baseline = page.height - y - (f.ascender * size) / 1000;
    this.doc.addContent(`q\n1 0 0 -1 0 ${num(page.height)} cm\nBT\n1 0 0 1 ${num(x)} ${num(baseline)} Tm\n${runs.join('\n')}\nET\nQ`);
  }

  private baseRef(weight: Weight): Ref {
    let ref = this.base[weight];
    if (!ref) {
      ref = this.doc.ref({});
      this.base[weight] = ref;
    }
    return ref;
  }

  private ownFont(weight: Weight): OwnFont {
    let own = this.own[weight];
    if (!own) {
      own = { ref: this.doc.ref({}), cid: new Map(), gids: [0], codePoints: [0] };
      this.own[weight] = own;
    }
    return own;
  }

  /** Write the font objects of every font used (call once, before `doc.end()`). */
  finish(): void {
    for (const weight of ['R', 'B'] as const) {
      const f = this.faces[weight];
      const base = this.base[weight];
      if (base) {
        this.embed(base, f, `${TAGS[weight].base}+${f.ttf.postscriptName}`, f.baseFontFile, f.baseFontFileLength, f.baseWidths, f.baseToUnicode);
      }
      const own = this.own[weight];
      if (own) {
        const { ttf } = f.ttf.subset(own.gids);
        const widths = own.gids.map((g) => f.ttf.advance(g) * f.scale);
        const toUnicode = deflateSync(Buffer.from(toUnicodeCmap(own.codePoints), 'latin1'));
        this.embed(own.ref, f, `${TAGS[weight].own}+${f.ttf.postscriptName}`, deflateSync(ttf), ttf.length, widths, toUnicode);
      }
    }
  }

  private embed(font: Ref, face: FontFace, name: string, fontFile: Buffer, length1: number, widths: number[], toUnicode: Buffer): void {
    const doc = this.doc;
    // already deflated: a ref with a Filter is written as it is (pdfkit compresses only refs without one)
    const file = doc.ref({ Filter: 'FlateDecode', Length1: length1 });
    file.end(fontFile);
    const descriptor = doc.ref({ ...face.descriptor(name), FontFile2: file });
    endRef(descriptor);
    const cidFont = doc.ref({
      Type: 'Font',
      Subtype: 'CIDFontType2',
      BaseFont: name,
      CIDSystemInfo: { Registry: new String('Adobe'), Ordering: new String('Identity'), Supplement: 0 },
      FontDescriptor: descriptor,
      W: [0, widths],
      CIDToGIDMap: 'Identity',
    });
    endRef(cidFont);
    const cmap = doc.ref({ Filter: 'FlateDecode' });
    cmap.end(toUnicode);
    Object.assign((font as unknown as { data: Record<string, unknown> }).data, {
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: name,
      Encoding: 'Identity-H',
      DescendantFonts: [cidFont],
      ToUnicode: cmap,
    });
    endRef(font);
  }
}
