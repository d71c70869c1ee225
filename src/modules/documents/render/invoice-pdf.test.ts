/**
 * The PDF is checked the way STACK.md §6 demands: text extraction alone would pass with broken glyphs, so
 * page 1 is also rasterised with pdftoppm and inspected (ink in the title area, red and blue form lines).
 * Needs poppler-utils (pdftoppm, pdftotext, pdfinfo); those checks skip with a message when absent.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import type { DocumentInput } from '../model.ts';
import { validateDocument } from '../validate-document.ts';
import { sampleAmendedInvoice, sampleTaxInvoice } from '../sample-documents.ts';
import { renderInvoicePdf } from './invoice-pdf.ts';
import { fontFaces } from './pdf-fonts.ts';
import { issuedMeta, richTaxInvoice, taxInvoiceWithStatement } from './render-fixtures.ts';

const hasPoppler = spawnSync('pdftoppm', ['-v']).error === undefined && spawnSync('pdftotext', ['-v']).error === undefined;
const POPPLER_MISSING = 'poppler-utils not installed (pdftoppm/pdftotext): PDF raster and text checks skipped — apt-get install -y poppler-utils';
if (!hasPoppler) console.log(`# SKIP ${POPPLER_MISSING}`);

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hanbill-pdf-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function writePdf(name: string, pdf: Buffer): string {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function pdfText(file: string, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return run('pdftotext', ['-layout', ...range, file, '-']);
}

function pageCount(file: string): number {
  const m = /^Pages:\s+(\d+)/m.exec(run('pdfinfo', [file]));
  assert.ok(m, 'pdfinfo gives the page count');
  return Number(m[1]);
}

/** Page 1 as PNG via `pdftoppm -r 50 -png`. */
function rasterPage1(file: string): Buffer {
  const prefix = path.join(dir, `${path.basename(file, '.pdf')}-p1`);
  run('pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '1', '-singlefile', file, prefix]);
  return readFileSync(`${prefix}.png`);
}

interface Image {
  width: number;
  height: number;
  /** RGB of (x, y). */
  rgb(x: number, y: number): [number, number, number];
}

/** A minimal PNG decoder: 8-bit greyscale / RGB / RGBA, non-interlaced (what pdftoppm writes). */
function decodePng(png: Buffer): Image {
  assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const colorType = data[9];
      assert.equal(depth, 8, 'bit depth 8');
      assert.equal(data[12], 0, 'not interlaced');
      channels = colorType === 0 ? 1 : colorType === 2 ? 3 : colorType === 6 ? 4 : colorType === 4 ? 2 : 0;
      assert.ok(channels > 0, `supported colour type (${colorType})`);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] ?? 0;
    const src = y * (stride + 1) + 1;
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i] ?? 0;
      const a = i >= channels ? (out[y * stride + i - channels] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + i] ?? 0) : 0;
      const c = i >= channels && y > 0 ? (out[(y - 1) * stride + i - channels] ?? 0) : 0;
      let v: number;
      if (filter === 0) v = x;
      else if (filter === 1) v = x + a;
      else if (filter === 2) v = x + b;
      else if (filter === 3) v = x + ((a + b) >> 1);
      else {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      out[y * stride + i] = v & 0xff;
    }
  }
  return {
    width,
    height,
    rgb(x, y) {
      const o = y * stride + x * channels;
      if (channels < 3) {
        const g = out[o] ?? 0;
        return [g, g, g];
      }
      return [out[o] ?? 0, out[o + 1] ?? 0, out[o + 2] ?? 0];
    },
  };
}

function inkStats(img: Image, box?: { x0: number; y0: number; x1: number; y1: number }) {
  const x0 = Math.max(0, Math.floor(box?.x0 ?? 0));
  const y0 = Math.max(0, Math.floor(box?.y0 ?? 0));
  const x1 = Math.min(img.width, Math.ceil(box?.x1 ?? img.width));
  const y1 = Math.min(img.height, Math.ceil(box?.y1 ?? img.height));
  let ink = 0;
  let red = 0;
  let blue = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const [r, g, b] = img.rgb(x, y);
      if (r + g + b < 600) ink++;
      if (r > 150 && r > g + 50 && r > b + 50) red++;
      if (b > 120 && b > r + 50) blue++;
    }
  }
  return { ink, red, blue, area: (x1 - x0) * (y1 - y0) };
}

/** Points → pixels at 50 dpi. */
const px = (pt: number) => (pt * 50) / 72;

describe('renderInvoicePdf', () => {
  it('renders a PDF with embedded NanumGothic subsets', async () => {
    const pdf = await renderInvoicePdf(richTaxInvoice(), issuedMeta());
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.length > 10_000 && pdf.length < 400_000, `size ${pdf.length}`);
    const s = pdf.toString('latin1');
    assert.match(s, /\/BaseFont \/[A-Z]{6}\+NanumGothic\b/, 'Regular subset embedded');
    assert.match(s, /\/BaseFont \/[A-Z]{6}\+NanumGothicBold\b/, 'Bold subset embedded');
    assert.match(s, /\/FontFile2/, 'TrueType font program embedded');
  });

  it('page 1 is a proper form: Hangul drawn, red 공급자 and blue 공급받는자 lines (pdftoppm)', { skip: hasPoppler ? false : POPPLER_MISSING }, async () => {
    const doc = taxInvoiceWithStatement();
    validateDocument(doc);
    const file = writePdf('page1', await renderInvoicePdf(doc, issuedMeta()));
    const png = rasterPage1(file);
    writeFileSync('/tmp/invoice-page1.png', png);
    const img = decodePng(png);
    assert.ok(Math.abs(img.width - px(595.28)) <= 2 && Math.abs(img.height - px(841.89)) <= 2, `A4 at 50 dpi: ${img.width}x${img.height}`);
    const all = inkStats(img);
    assert.ok(all.ink / all.area > 0.02, `page has ink (${all.ink} of ${all.area} px)`);
    // The title cell (left of the 승인번호 box, inside the frame): "전자세금계산서" must be drawn — a font whose
    // subset lost its Hangul glyphs leaves this area empty while pdftotext still finds the text.
    const title = inkStats(img, { x0: px(40), y0: px(36), x1: px(595.28 - 28 - 212 - 6), y1: px(74) });
    assert.ok(title.ink > 120, `title glyphs drawn (${title.ink} ink px)`);
    // Supplier half (left) has red lines, buyer half (right) blue ones.
    const left = inkStats(img, { x0: px(28), y0: px(80), x1: px(297), y1: px(200) });
    const right = inkStats(img, { x0: px(298), y0: px(80), x1: px(567), y1: px(200) });
    assert.ok(left.red > 150, `red supplier lines (${left.red} px)`);
    assert.ok(right.blue > 150, `blue buyer lines (${right.blue} px)`);
    assert.ok(left.red > left.blue && right.blue > right.red, 'colours on the right sides');
  });

  it('extracts the Korean labels, parties, amounts and lines (pdftotext)', { skip: hasPoppler ? false : POPPLER_MISSING }, async () => {
    const file = writePdf('text', await renderInvoicePdf(richTaxInvoice(), issuedMeta()));
    const text = pdfText(file, 1);
    for (const word of [
      '전자세금계산서',
      '(공급받는자 보관용)',
      '승인번호',
      '20261123-42000238-00000017',
      '공급자',
      '공급받는자',
      '등록번호',
      '상호(법인명)',
      '사업장 주소',
      '업태',
      '종목',
      '이메일',
      '(주)똠방각하 뷁햏상사',
      '(주)한빌서비스',
      '138-86-02200',
      '204-86-31263',
      '작성일자',
      '2026-11-23',
      '공급가액',
      '세액',
      '수정사유',
      '비고',
      '11월 납품분',
      '품목',
      '규격',
      '수량',
      '단가',
      '노트북',
      '16인치 i7/32GB',
      '3,700,000',
      '합계금액',
      '현금',
      '수표',
      '어음',
      '외상미수금',
      '영수',
      '이 금액을',
      '2026-11-23 14:12:30 KST',
      'HB-20261123-0017',
    ]) {
      assert.ok(text.includes(word), `page 1 text has ${word}`);
    }
    const doc = richTaxInvoice();
    const total = doc.amounts.total.toLocaleString('en-US');
    assert.ok(text.includes(total), `total ${total}`);
    assert.equal(pageCount(file), 1, 'no statement: one page');
  });

  it('adds the 거래명세서 page when a statement is attached', { skip: hasPoppler ? false : POPPLER_MISSING }, async () => {
    const doc = taxInvoiceWithStatement();
    const file = writePdf('statement', await renderInvoicePdf(doc, issuedMeta()));
    assert.equal(pageCount(file), 2);
    const p2 = pdfText(file, 2);
    for (const word of ['거래명세서', '거래일자', '단위', '전잔금', '입금', '미수금', '잔액', '메모', '12월 10일까지 입금 부탁드립니다.', '노트북', '모니터', '일금']) {
      assert.ok(p2.includes(word), `statement page has ${word}`);
    }
    const total = doc.statement?.lines.reduce((a, l) => a + l.total, 0) ?? 0;
    assert.ok(p2.includes(total.toLocaleString('en-US')), 'statement total');
    assert.ok(!pdfText(file, 1).includes('전잔금'), 'the statement is not on page 1');
  });

  it('continues long line lists on further pages and keeps every line', { skip: hasPoppler ? false : POPPLER_MISSING }, async () => {
    const doc = richTaxInvoice(60);
    const file = writePdf('long', await renderInvoicePdf(doc, issuedMeta()));
    assert.ok(pageCount(file) >= 2, 'more than one page');
    const text = pdfText(file);
    for (const l of doc.lines) assert.ok(text.includes(l.name ?? '?'), `line ${l.name}`);
    assert.ok(text.includes('(계속)'), 'continuation header');
    assert.ok(text.includes('외상미수금'), 'totals printed once at the end');
  });

  it('draws 수정계산서 without 세액 columns, with 수정사유 and the 당초 승인번호', { skip: hasPoppler ? false : POPPLER_MISSING }, async () => {
    const doc = sampleAmendedInvoice();
    const file = writePdf('amended', await renderInvoicePdf(doc, { ...issuedMeta(), copy: 'supplier' }));
    const text = pdfText(file, 1);
    assert.ok(text.includes('수정전자계산서'));
    assert.ok(text.includes('(공급자 보관용)'));
    assert.ok(text.includes('착오에 의한 이중발급 등'));
    assert.ok(text.includes('20160718-42000238-00000002'));
    assert.ok(text.includes('-220,000'));
    assert.ok(!text.includes('세액'), '계산서 has no 세액');
  });

  it('renders English labels with lang en, and marks drafts', { skip: hasPoppler ? false : POPPLER_MISSING }, async () => {
    const meta = { ...issuedMeta('en') };
    delete meta.issueId;
    const file = writePdf('english', await renderInvoicePdf(sampleTaxInvoice(), meta));
    const text = pdfText(file, 1);
    for (const word of ['Electronic Tax Invoice', "(recipient’s copy)", 'Supplier', 'Recipient', 'Supply amount', 'Unit price', 'Total amount', 'Credit', 'claimed', 'Not issued', '(주)한빌소프트']) {
      assert.ok(text.includes(word), `English page has ${word}`);
    }
    assert.ok(!text.includes('공급받는자'), 'no Korean labels');
  });

  it('prints every character of the document, from the prepared font or its own (pdftotext)', { skip: hasPoppler ? false : POPPLER_MISSING }, async () => {
    const base = richTaxInvoice();
    // rare syllables (composite glyphs in NanumGothic: 갂 똠 뷁 햏), symbols, Latin-1, full-width forms
    const supplierName = '(주)갂갃갅 똠뷁햏 ₩※';
    const item = 'Ĳ ¥ 쀍쀎 ＡＢ 품목';
    const doc: DocumentInput = {
      ...base,
      supplier: { ...base.supplier, name: supplierName, address: '경북 울릉군 울릉읍 독도리 산1-96 쌈짓길' },
      buyer: { ...base.buyer, name: '뚫훑쫣 상회', businessType: '숖됐뛝' },
      lines: base.lines.map((l, i) => (i === 0 ? { ...l, name: item } : l)),
    };
    const file = writePdf('every-char', await renderInvoicePdf(doc, issuedMeta()));
    const text = pdfText(file, 1);
    for (const field of [supplierName, item, '경북 울릉군 울릉읍 독도리 산1-96 쌈짓길', '뚫훑쫣 상회', '숖됐뛝']) {
      assert.ok(text.includes(field), `page 1 text has ${field}`);
      for (const ch of field.replace(/\s/g, '')) assert.notEqual(fontFaces().R.ttf.glyphId(ch.codePointAt(0) ?? 0), 0, `NanumGothic has a glyph for ${ch}`);
    }
    const fonts = run('pdffonts', [file]);
    assert.match(fonts, /HBFRMR\+NanumGothic\s+CID TrueType\s+Identity-H\s+yes yes yes/, 'prepared regular font embedded with ToUnicode');
    assert.match(fonts, /HBDOCR\+NanumGothic\s+CID TrueType\s+Identity-H\s+yes yes yes/, "the document's own regular font embedded with ToUnicode");
  });

  it("draws the glyphs of the document's own font (pdftoppm: ink where only own-font characters are)", { skip: hasPoppler ? false : POPPLER_MISSING }, async () => {
    const base = richTaxInvoice();
    const own = '뷁햏똠갂갃갅쀍쀎뚫훑쫣숖됐뛝';
    for (const ch of own) assert.ok(!fontFaces().B.baseCid.has(ch.codePointAt(0) ?? 0), `${ch} is not prepared`);
    const withName = (name: string) => ({ ...base, supplier: { ...base.supplier, name } });
    // 상호 value cell of the supplier (bold, second party row)
    const cell = { x0: px(28 + 20 + 50 + 2), y0: px(30 + 48 + 25 + 3), x1: px(28 + 20 + 50 + 90), y1: px(30 + 48 + 50 - 3) };
    const named = inkStats(decodePng(rasterPage1(writePdf('own-glyphs', await renderInvoicePdf(withName(own), issuedMeta())))), cell);
    const blank = inkStats(decodePng(rasterPage1(writePdf('own-glyphs-none', await renderInvoicePdf(withName('-'), issuedMeta())))), cell);
    assert.ok(named.ink > blank.ink + 60, `own-font glyphs drawn: ${named.ink} ink px vs ${blank.ink} for "-"`);
  });

  it('embeds the prepared fonts as the same compressed bytes in every PDF (subsetted once per process)', async () => {
    const a = await renderInvoicePdf(richTaxInvoice(), issuedMeta());
    const b = await renderInvoicePdf(taxInvoiceWithStatement(12), issuedMeta('en'));
    for (const face of Object.values(fontFaces())) {
      assert.ok(a.includes(face.baseFontFile), `${face.weight}: prepared font in the first PDF`);
      assert.ok(b.includes(face.baseFontFile), `${face.weight}: prepared font in the second PDF`);
    }
  });

  it('is deterministic for a given issuedAt', async () => {
    const a = await renderInvoicePdf(taxInvoiceWithStatement(), issuedMeta());
    const b = await renderInvoicePdf(taxInvoiceWithStatement(), issuedMeta());
    assert.ok(a.equals(b));
    assert.match(a.toString('latin1'), /\(D:20261123051230Z\)/, 'CreationDate is meta.issuedAt');
  });

  it('renders a 10-line invoice in well under 100 ms once warm', async () => {
    const doc = richTaxInvoice(10);
    const meta = issuedMeta();
    for (let i = 0; i < 3; i++) await renderInvoicePdf(doc, meta);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      await renderInvoicePdf(doc, meta);
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const median = times[3] ?? Infinity;
    console.log(`# renderInvoicePdf 10 lines: median ${median.toFixed(1)} ms (min ${(times[0] ?? 0).toFixed(1)} ms)`);
    assert.ok(median < 100, `median ${median.toFixed(1)} ms`);
  });
});
