/**
 * PDF of one document in the standard Korean 전자(세금)계산서 form (별지 서식: 공급자 red, 공급받는자 blue),
 * with the attached 거래명세서 on its own page(s). pdfkit draws the form and writes the file; the text is
 * NanumGothic from `@expo-google-fonts/nanum-gothic`, measured and written by pdf-fonts.ts (CID fonts, a
 * subset prepared once per process plus the document's own characters; pdf-lib's subsetting breaks Hangul,
 * STACK.md §6). Everything is laid out by hand in points (A4), text is never wrapped by pdfkit (we fit and
 * wrap), so no page is added behind our back.
 *
 * Output is deterministic for a given input when `meta.issuedAt` is set (it becomes the CreationDate,
 * from which pdfkit also derives the file ID).
 */
import PDFDocument from 'pdfkit';
import type { DocumentInput } from '../model.ts';
import { invoiceView, type InvoiceView, type PartyView, type RenderMeta } from './invoice-view.ts';
import { DocumentText } from './pdf-fonts.ts';

type Doc = PDFKit.PDFDocument;

// A4 in points, and the form's frame.
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MX = 28;
const TOP = 30;
const W = PAGE_W - 2 * MX;
const X0 = MX;
const X1 = MX + W;
/** Lowest y the form may reach; the footer lives below. */
const BOTTOM = PAGE_H - 46;

const INK = '#1f1f1f';
const MUTED = '#5b5b5b';
interface Palette {
  line: string;
  fill: string;
  label: string;
}
/** Row height of the 공급자 / 공급받는자 box (5 rows). */
const PARTY_ROW_H = 25;

const RED: Palette = { line: '#c8383b', fill: '#fdeeee', label: '#b0282b' };
const BLUE: Palette = { line: '#2f5db4', fill: '#ebf1fb', label: '#234a96' };

interface TextOpts {
  size?: number;
  minSize?: number;
  bold?: boolean;
  color?: string;
  align?: 'left' | 'center' | 'right';
  pad?: number;
  /** Allow wrapping onto several lines (at the shrunk size) instead of ellipsis on one line. */
  wrap?: boolean;
}

class Painter {
  readonly text: DocumentText;
  constructor(readonly doc: Doc) {
    this.text = new DocumentText(doc);
  }

  width(text: string, size: number, bold?: boolean): number {
    return this.text.width(text, size, bold);
  }

  /** Height of one text line at `size` (the font's line box). */
  lineHeight(size: number, bold?: boolean): number {
    return this.text.lineHeight(size, bold);
  }

  rect(x: number, y: number, w: number, h: number, o: { stroke?: string; fill?: string; lineWidth?: number }): void {
    const d = this.doc;
    d.save();
    d.lineWidth(o.lineWidth ?? 0.5);
    d.rect(x, y, w, h);
    if (o.fill && o.stroke) d.fillAndStroke(o.fill, o.stroke);
    else if (o.fill) d.fill(o.fill);
    else if (o.stroke) d.stroke(o.stroke);
    d.restore();
  }

  line(x1: number, y1: number, x2: number, y2: number, color: string, lineWidth = 0.5): void {
    this.doc.save().lineWidth(lineWidth).moveTo(x1, y1).lineTo(x2, y2).stroke(color).restore();
  }

  /** One line of text at (x, y = top of the line box), no wrapping. */
  raw(text: string, x: number, y: number, size: number, bold?: boolean, color = INK): void {
    if (text === '') return;
    this.doc.fillColor(color);
    this.text.draw(text, x, y, size, bold);
  }

  /** Greedy wrap into lines no wider than `width`, breaking inside words only when a word is too long. */
  wrapLines(text: string, width: number, size: number, bold?: boolean): string[] {
    const fits = (s: string) => this.text.width(s, size, bold) <= width;
    const out: string[] = [];
    for (const paragraph of text.split(/\r?\n/)) {
      let line = '';
      for (const word of paragraph.split(/(\s+)/)) {
        if (word === '') continue;
        const candidate = line + word;
        if (fits(candidate)) {
          line = candidate;
          continue;
        }
        if (line.trim() !== '') out.push(line.trimEnd());
        line = '';
        if (/^\s+$/.test(word)) continue;
        // The word alone is too wide: break it by characters.
        let piece = '';
        for (const ch of word) {
          if (!fits(piece + ch) && piece !== '') {
            out.push(piece);
            piece = '';
          }
          piece += ch;
        }
        line = piece;
      }
      out.push(line.trimEnd());
    }
    return out;
  }

  /** Cut `text` to fit `width` with a trailing ellipsis. */
  private ellipsize(text: string, width: number, size: number, bold?: boolean): string {
    if (this.text.width(text, size, bold) <= width) return text;
    const chars = [...text];
    while (chars.length > 0 && this.text.width(`${chars.join('')}…`, size, bold) > width) chars.pop();
    return `${chars.join('')}…`;
  }

  /**
   * Text fitted into a cell: vertically centred, shrunk down to `minSize` to stay on one line, then
   * wrapped (when `wrap`) or cut with an ellipsis.
   */
  cell(text: string, x: number, y: number, w: number, h: number, o: TextOpts = {}): void {
    if (text === '') return;
    const pad = o.pad ?? 3;
    const innerW = Math.max(w - 2 * pad, 1);
    const max = o.size ?? 8.5;
    const min = Math.min(o.minSize ?? Math.max(max - 2.5, 6), max);
    let size = max;
    while (size > min && this.width(text, size, o.bold) > innerW) size = Math.max(min, size - 0.5);
    let lines: string[];
    if (this.width(text, size, o.bold) <= innerW && !text.includes('\n')) {
      lines = [text];
    } else if (o.wrap) {
      lines = this.wrapLines(text, innerW, size, o.bold);
    } else {
      lines = [this.ellipsize(text.replace(/\s*\n\s*/g, ' '), innerW, size, o.bold)];
    }
    const lh = this.lineHeight(size, o.bold);
    const maxLines = Math.max(1, Math.floor((h - 2) / lh));
    if (lines.length > maxLines) {
      lines = lines.slice(0, maxLines);
      lines[maxLines - 1] = this.ellipsize(`${lines[maxLines - 1] ?? ''}…`, innerW, size, o.bold);
    }
    let ty = y + (h - lh * lines.length) / 2 + lh * 0.06;
    this.doc.fillColor(o.color ?? INK);
    for (const line of lines) {
      const lw = this.width(line, size, o.bold);
      const tx = o.align === 'right' ? x + w - pad - lw : o.align === 'center' ? x + (w - lw) / 2 : x + pad;
      this.text.draw(line, tx, ty, size, o.bold);
      ty += lh;
    }
  }
}

/** A table column: width and header; `flex` columns share what is left of the frame width. */
interface Column {
  header: string;
  width?: number;
  flex?: number;
  align?: 'left' | 'center' | 'right';
}

function resolveColumns(cols: Column[], total: number): number[] {
  const fixed = cols.reduce((a, c) => a + (c.width ?? 0), 0);
  const flexSum = cols.reduce((a, c) => a + (c.width === undefined ? (c.flex ?? 1) : 0), 0);
  return cols.map((c) => c.width ?? ((total - fixed) * (c.flex ?? 1)) / flexSum);
}

/** Draws pages of one document: keeps the cursor and starts continuation pages. */
class FormWriter {
  readonly p: Painter;
  /** Top of the next thing to draw on the current page. */
  y = TOP;
  constructor(
    readonly doc: Doc,
    readonly view: InvoiceView,
    readonly main: Palette,
  ) {
    this.p = new Painter(doc);
  }

  newPage(): void {
    this.doc.addPage({ size: 'A4', margin: 0 });
    this.y = TOP;
  }

  /** The outer frame around [top, bottom] of the current page. */
  frame(top: number, bottom: number, color: string): void {
    this.p.rect(X0, top, W, bottom - top, { stroke: color, lineWidth: 1.4 });
  }

  /** Label cell: tinted background, coloured label text. */
  label(text: string, x: number, y: number, w: number, h: number, pal: Palette, o: TextOpts = {}): void {
    this.p.rect(x, y, w, h, { fill: pal.fill, stroke: pal.line });
    this.p.cell(text, x, y, w, h, { size: 8, minSize: 7, align: 'center', color: pal.label, bold: true, pad: 2, wrap: true, ...o });
  }

  value(text: string, x: number, y: number, w: number, h: number, pal: Palette, o: TextOpts = {}): void {
    this.p.rect(x, y, w, h, { stroke: pal.line });
    this.p.cell(text, x, y, w, h, { size: 8.5, minSize: 6, ...o });
  }

  /** Title row: the form title with the copy label, and 승인번호 / 종류 on the right. */
  titleBlock(title: string, subtitle: string, right: { label: string; value: string }[]): void {
    const h = 48;
    const rightW = 212;
    const pal = this.main;
    const y = this.y;
    this.p.rect(X0, y, W - rightW, h, { stroke: pal.line });
    const titleSize = 19;
    const subSize = 9;
    const tw = this.p.width(title, titleSize, true);
    const sw = this.p.width(subtitle, subSize);
    const startX = X0 + (W - rightW - tw - sw - 6) / 2;
    const lh = this.p.lineHeight(titleSize, true);
    this.p.raw(title, startX, y + (h - lh) / 2 + 1, titleSize, true, pal.label);
    this.p.raw(subtitle, startX + tw + 6, y + (h - lh) / 2 + lh - this.p.lineHeight(subSize) - 1, subSize, false, pal.label);
    const rowH = h / Math.max(1, right.length);
    right.forEach((r, i) => {
      const ry = y + i * rowH;
      this.label(r.label, X1 - rightW, ry, 62, rowH, pal);
      this.value(r.value, X1 - rightW + 62, ry, rightW - 62, rowH, pal, { align: 'center', size: 8.5, bold: i === 0 });
    });
    this.y += h;
  }

  /** The side-by-side 공급자 (red) / 공급받는자 (blue) box. */
  parties(left: PartyView, right: PartyView): void {
    const half = W / 2;
    this.party(left, X0, half, RED);
    this.party(right, X0 + half, half, BLUE);
    this.y += PARTY_ROW_H * 5;
  }

  private party(pv: PartyView, x: number, w: number, pal: Palette): void {
    const t = this.view.text;
    const y = this.y;
    const h = PARTY_ROW_H;
    const sideW = 20;
    const l1 = 50;
    const l2 = 40;
    const v2 = 66;
    const v1 = w - sideW - l1 - l2 - v2;
    // Side heading, written vertically.
    this.p.rect(x, y, sideW, h * 5, { fill: pal.fill, stroke: pal.line });
    this.sideHeading(pv.heading, x, y, sideW, h * 5, pal);
    const cx = x + sideW;
    const rows: [string, string, string?, string?][] = [
      [pv.idLabel, pv.id, t.subBizno, pv.subBizno],
      [t.name, pv.name, t.ceo, pv.ceoName],
      [t.address, pv.address],
      [t.businessType, pv.businessType, t.businessItem, pv.businessItem],
      [t.email, pv.email],
    ];
    rows.forEach(([la, va, lb, vb], i) => {
      const ry = y + i * h;
      this.label(la, cx, ry, l1, h, pal);
      const bold = i === 0 || i === 1;
      if (lb === undefined) {
        this.value(va, cx + l1, ry, w - sideW - l1, h, pal, { wrap: true, size: i === 2 ? 8 : 8.5, bold: false });
      } else {
        this.value(va, cx + l1, ry, v1, h, pal, { bold, align: i === 0 ? 'center' : 'left', size: i === 0 ? 9.5 : 8.5, wrap: i !== 0 });
        this.label(lb, cx + l1 + v1, ry, l2, h, pal);
        this.value(vb ?? '', cx + l1 + v1 + l2, ry, v2, h, pal, { wrap: true, align: i === 0 ? 'center' : 'left' });
      }
    });
    this.p.rect(x, y, w, h * 5, { stroke: pal.line, lineWidth: 1.2 });
  }

  private sideHeading(text: string, x: number, y: number, w: number, h: number, pal: Palette): void {
    const size = 9.5;
    if (this.view.lang === 'ko') {
      // Upright stacked characters as on the paper form; /ActualText keeps the word one word for text
      // extraction, search and screen readers (otherwise it comes out as 공 / 급 / 자 on three lines).
      this.doc.markContent('Span', { actual: text });
      const chars = [...text];
      const lh = this.p.lineHeight(size, true);
      const step = Math.min(lh * 1.5, h / chars.length);
      let cy = y + (h - step * chars.length) / 2 + (step - lh) / 2;
      for (const ch of chars) {
        const cw = this.p.width(ch, size, true);
        this.p.raw(ch, x + (w - cw) / 2, cy, size, true, pal.label);
        cy += step;
      }
      this.doc.endMarkedContent();
      return;
    }
    const d = this.doc;
    const tw = this.p.width(text, size, true);
    const lh = this.p.lineHeight(size, true);
    const cx = x + w / 2;
    const cy = y + h / 2;
    d.save();
    d.rotate(-90, { origin: [cx, cy] });
    this.p.raw(text, cx - tw / 2, cy - lh / 2, size, true, pal.label);
    d.restore();
  }

  /** The 수탁자 row of a 위수탁 document. */
  trustee(pv: PartyView): void {
    const pal = this.main;
    const t = this.view.text;
    const h = PARTY_ROW_H;
    const y = this.y;
    const cols = resolveColumns(
      [{ header: '', width: 58 }, { header: '', width: 50 }, { header: '', width: 86 }, { header: '', width: 56 }, { header: '', flex: 1 }, { header: '', width: 40 }, { header: '', width: 80 }],
      W,
    );
    const cells: [string, boolean][] = [
      [pv.heading, true],
      [t.regNo, true],
      [pv.id, false],
      [t.name, true],
      [pv.name, false],
      [t.ceo, true],
      [pv.ceoName, false],
    ];
    let x = X0;
    cells.forEach(([text, isLabel], i) => {
      const cw = cols[i] ?? 0;
      if (isLabel) this.label(text, x, y, cw, h, pal);
      else this.value(text, x, y, cw, h, pal, { align: i === 2 ? 'center' : 'left' });
      x += cw;
    });
    this.y += h;
  }

  /** A header row + one value row over the given columns. */
  headedRow(cols: Column[], values: { text: string; sub?: string }[], valueH: number, pal: Palette): void {
    const widths = resolveColumns(cols, W);
    const hh = 18;
    let x = X0;
    cols.forEach((c, i) => {
      const cw = widths[i] ?? 0;
      this.label(c.header, x, this.y, cw, hh, pal);
      const v = values[i] ?? { text: '' };
      if (v.sub) {
        this.p.rect(x, this.y + hh, cw, valueH, { stroke: pal.line });
        this.p.cell(v.text, x, this.y + hh + 2, cw, valueH / 2, { align: c.align ?? 'left', size: 8.5, minSize: 6 });
        this.p.cell(v.sub, x, this.y + hh + valueH / 2 - 1, cw, valueH / 2, { align: c.align ?? 'left', size: 7, minSize: 5.5, color: MUTED });
      } else {
        this.value(v.text, x, this.y + hh, cw, valueH, pal, { align: c.align ?? 'left', size: 9, bold: c.align === 'right' });
      }
      x += cw;
    });
    this.y += hh + valueH;
  }

  /** A labelled block of free text (비고, 메모): label at the left, text wrapped. */
  textBlock(labelText: string, text: string[], pal: Palette, minH = 22): void {
    const labelW = 58;
    const size = 8;
    const lines = text.flatMap((s) => this.p.wrapLines(s, W - labelW - 8, size));
    const lh = this.p.lineHeight(size);
    const h = Math.max(minH, lines.length * lh + 8);
    this.label(labelText, X0, this.y, labelW, h, pal);
    this.p.rect(X0 + labelW, this.y, W - labelW, h, { stroke: pal.line });
    let ty = this.y + (h - lines.length * lh) / 2 + lh * 0.06;
    for (const line of lines) {
      this.p.raw(line, X0 + labelW + 4, ty, size);
      ty += lh;
    }
    this.y += h;
  }

  /** Column headers of a lines table. */
  tableHeader(cols: Column[], pal: Palette, h = 18): void {
    const widths = resolveColumns(cols, W);
    let x = X0;
    cols.forEach((c, i) => {
      const cw = widths[i] ?? 0;
      this.label(c.header, x, this.y, cw, h, pal);
      x += cw;
    });
    this.y += h;
  }

  tableRow(cols: Column[], cells: string[], pal: Palette, h: number, o: { bold?: boolean; fill?: string } = {}): void {
    const widths = resolveColumns(cols, W);
    let x = X0;
    cols.forEach((c, i) => {
      const cw = widths[i] ?? 0;
      this.p.rect(x, this.y, cw, h, { stroke: pal.line, ...(o.fill ? { fill: o.fill } : {}) });
      const wrap = c.align === undefined || c.align === 'left';
      this.p.cell(cells[i] ?? '', x, this.y, cw, h, { align: c.align ?? 'left', size: 8, minSize: wrap ? 7 : 6, wrap, bold: o.bold });
      x += cw;
    });
    this.y += h;
  }

  /**
   * Rows of a table, continuing on new pages as needed: `reserve` is the height that must still fit
   * after the last row (totals); `continuation` draws the head of a continuation page.
   */
  pagedRows(cols: Column[], rows: string[][], rowH: number, minRows: number, reserve: number, pal: Palette, continuation: () => void, frameTop: { y: number }): void {
    const total = Math.max(rows.length, minRows);
    for (let i = 0; i < total; i++) {
      const isLast = i === total - 1;
      const need = rowH + (isLast ? reserve : 0);
      if (this.y + need > BOTTOM) {
        this.frame(frameTop.y, this.y, pal.line);
        this.newPage();
        continuation();
        frameTop.y = this.y;
        this.tableHeader(cols, pal);
      }
      this.tableRow(cols, rows[i] ?? cols.map(() => ''), pal, rowH);
    }
  }

  /** Small header line of a continuation page. */
  continuationHead(title: string): void {
    const t = this.view.text;
    const text = `${title} ${t.continued}  ·  ${t.issueId} ${this.view.issueId}`;
    this.p.raw(text, X0, this.y, 10, true, this.main.label);
    this.y += 20;
  }

  /** Footer under the form on the current page: issue facts. */
  facts(): void {
    const v = this.view;
    const t = v.text;
    const parts: string[] = [];
    if (v.issuedAt) parts.push(`${t.issuedAt} ${v.issuedAt}`);
    parts.push(`${t.dockey} ${v.dockey}`);
    parts.push(`${t.type} ${v.typeLabel}`);
    for (const s of v.states) parts.push(`${s.label} ${s.value}`);
    let y = this.y + 6;
    for (const line of this.p.wrapLines(parts.join('   ·   '), W, 7.5)) {
      this.p.raw(line, X0, y, 7.5, false, MUTED);
      y += 10;
    }
    if (v.draft) {
      this.p.raw(t.draftNotice, X0, y, 7.5, true, RED.label);
      y += 10;
    }
    this.y = y;
  }
}


function invoiceColumns(v: InvoiceView): Column[] {
  const t = v.text;
  const cols: Column[] = [
    { header: t.month, width: 22, align: 'center' },
    { header: t.day, width: 22, align: 'center' },
    { header: t.item, flex: 1 },
    { header: t.spec, width: 58 },
    { header: t.quantity, width: 40, align: 'right' },
    { header: t.unitPrice, width: 64, align: 'right' },
    { header: t.lineSupply, width: 80, align: 'right' },
  ];
  if (v.hasTax) cols.push({ header: t.lineTax, width: 68, align: 'right' });
  cols.push({ header: t.lineRemark, width: v.hasTax ? 62 : 80 });
  return cols;
}

function drawInvoice(w: FormWriter): void {
  const v = w.view;
  const t = v.text;
  const pal = w.main;
  const frameTop = { y: w.y };
  const rightRows = [{ label: t.issueId, value: v.issueId }, { label: t.type, value: v.typeLabel }];
  w.titleBlock(v.title, v.copyLabel, rightRows);
  w.parties(v.supplier, v.buyer);
  if (v.trustee) w.trustee(v.trustee);

  // 작성일자 / 공급가액 / 세액 / 수정사유
  const amountCols: Column[] = [
    { header: t.writeDate, width: 92, align: 'center' },
    { header: t.supply, width: 130, align: 'right' },
  ];
  const amountValues: { text: string; sub?: string }[] = [{ text: v.writeDate }, { text: v.supply }];
  if (v.hasTax) {
    amountCols.push({ header: t.tax, width: 112, align: 'right' });
    amountValues.push({ text: v.tax });
  }
  amountCols.push({ header: t.amendReason, flex: 1, align: 'left' });
  amountValues.push(v.amendment ? { text: v.amendment.reason, sub: `${t.originalIssueId} ${v.amendment.originalIssueId}` } : { text: '' });
  w.headedRow(amountCols, amountValues, v.amendment ? 30 : 24, pal);

  w.textBlock(t.remarks, v.remarks, pal);

  // Lines.
  const cols = invoiceColumns(v);
  w.tableHeader(cols, pal);
  const rows = v.lines.map((l) => {
    const r = [l.month, l.day, l.name, l.spec, l.quantity, l.unitPrice, l.supply];
    if (v.hasTax) r.push(l.tax);
    r.push(l.remark);
    return r;
  });
  const totalsH = 18 + 26;
  w.pagedRows(cols, rows, 20, 4, totalsH + 40, pal, () => w.continuationHead(v.title), frameTop);

  // 합계금액 / 현금 / 수표 / 어음 / 외상미수금 / 이 금액을 (청구) 함
  const y = w.y;
  const purposeW = 112;
  const totalCols = resolveColumns(
    [{ header: '', width: 104 }, ...v.payments.map(() => ({ header: '', flex: 1 }))],
    W - purposeW,
  );
  let x = X0;
  const heads = [t.total, ...v.payments.map((p) => p.label)];
  const vals = [v.total, ...v.payments.map((p) => p.amount)];
  heads.forEach((hd, i) => {
    const cw = totalCols[i] ?? 0;
    w.label(hd, x, y, cw, 18, pal);
    w.value(vals[i] ?? '', x, y + 18, cw, 26, pal, { align: 'right', size: 9.5, bold: i === 0 });
    x += cw;
  });
  w.p.rect(x, y, purposeW, 44, { stroke: pal.line, fill: pal.fill });
  drawPurpose(w, x, y, purposeW, 44);
  w.y = y + 44;
  w.frame(frameTop.y, w.y, pal.line);
  w.facts();
}

/** '이 금액을 (청구) 함' with the chosen word emphasised. */
function drawPurpose(w: FormWriter, x: number, y: number, cw: number, h: number): void {
  const v = w.view;
  const t = v.text;
  const pal = w.main;
  const parts: [string, boolean][] = [
    [`${t.thisAmountBefore} (`, false],
    [v.purpose, true],
    [`)${t.thisAmountAfter ? ` ${t.thisAmountAfter}` : ''}`, false],
  ];
  const widthAt = (sz: number) => parts.map(([s, b]) => w.p.width(s, sz, b));
  let size = 10;
  while (size > 6.5 && widthAt(size).reduce((a, b) => a + b, 0) > cw - 8) size -= 0.5;
  const widths = widthAt(size);
  let tx = x + (cw - widths.reduce((a, b) => a + b, 0)) / 2;
  const ty = y + (h - w.p.lineHeight(size)) / 2;
  parts.forEach(([s, b], i) => {
    w.p.raw(s, tx, ty, size, b, b ? pal.label : INK);
    tx += widths[i] ?? 0;
  });
}

function statementColumns(v: InvoiceView): Column[] {
  const t = v.text;
  return [
    { header: t.statementDate, width: 56, align: 'center' },
    { header: t.item, flex: 1 },
    { header: t.spec, width: 44 },
    { header: t.unit, width: 30, align: 'center' },
    { header: t.quantity, width: 36, align: 'right' },
    { header: t.unitPrice, width: 54, align: 'right' },
    { header: t.lineSupply, width: 62, align: 'right' },
    { header: t.lineTax, width: 52, align: 'right' },
    { header: t.lineTotal, width: 62, align: 'right' },
    { header: t.lineRemark, width: 46 },
  ];
}

function drawStatement(w: FormWriter): void {
  const v = w.view;
  const s = v.statement;
  if (!s) return;
  const t = v.text;
  const pal = w.main;
  w.newPage();
  const frameTop = { y: w.y };
  w.titleBlock(s.title, v.copyLabel, [
    { label: t.statementDate, value: s.period },
    { label: t.issueId, value: v.issueId },
  ]);
  w.parties(v.supplier, v.buyer);
  // 합계금액 in words.
  const y = w.y;
  w.label(t.statementTotal, X0, y, 58, 26, pal);
  w.value(s.totalInWords, X0 + 58, y, W - 58, 26, pal, { size: 10.5, bold: true });
  w.y += 26;

  const cols = statementColumns(v);
  w.tableHeader(cols, pal);
  const rows = s.lines.map((l) => [l.date, l.name, l.spec, l.unit, l.quantity, l.unitPrice, l.supply, l.tax, l.total, l.remark]);
  const memoLines = s.memo === '' ? 1 : w.p.wrapLines(s.memo, W - 66, 8).length;
  const reserve = 20 + 40 + Math.max(34, memoLines * 11 + 8) + 40;
  w.pagedRows(cols, rows, 19, 8, reserve, pal, () => w.continuationHead(s.title), frameTop);
  // 계 (sums).
  const widths = resolveColumns(cols, W);
  const sumLabelW = widths.slice(0, 6).reduce((a, b) => a + b, 0);
  const sy = w.y;
  w.label(t.sum, X0, sy, sumLabelW, 20, pal);
  let x = X0 + sumLabelW;
  [s.sumSupply, s.sumTax, s.sumTotal, ''].forEach((text, i) => {
    const cw = widths[6 + i] ?? 0;
    w.value(text, x, sy, cw, 20, pal, { align: 'right', bold: true, size: 8.5 });
    x += cw;
  });
  w.y += 20;
  // 전잔금 / 입금 / 미수금 / 잔액.
  const by = w.y;
  const pairW = W / s.balances.length;
  s.balances.forEach((b, i) => {
    const bx = X0 + i * pairW;
    w.label(b.label, bx, by, pairW, 18, pal);
    w.value(b.value, bx, by + 18, pairW, 22, pal, { align: 'right', size: 9 });
  });
  w.y += 40;
  w.textBlock(t.memo, s.memo === '' ? [] : [s.memo], pal, 34);
  w.frame(frameTop.y, w.y, pal.line);
  w.facts();
}

/** Draft watermark across the page. */
function watermark(p: Painter, text: string): void {
  const doc = p.doc;
  doc.save();
  doc.rotate(-30, { origin: [PAGE_W / 2, PAGE_H / 2] });
  doc.fillColor('#d0d0d0').fillOpacity(0.35);
  const tw = p.width(text, 96, true);
  p.text.draw(text, PAGE_W / 2 - tw / 2, PAGE_H / 2 - 48, 96, true);
  doc.restore();
}

/**
 * The PDF of one document (A4): page 1 the 전자(세금)계산서 form (continued on further pages beyond
 * about 25 lines), then the attached 거래명세서 when present. Korean labels, or English with `meta.lang`.
 */
export function renderInvoicePdf(doc: DocumentInput, meta: RenderMeta): Promise<Buffer> {
  const view = invoiceView(doc, meta);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    bufferPages: true,
    info: {
      Title: `${view.title} ${view.copyLabel}`,
      Subject: `${view.supplier.name} → ${view.buyer.name} ${view.writeDate}`,
      Author: view.supplier.name,
      Creator: 'Hanbill',
      Producer: 'Hanbill (PDFKit)',
      Keywords: meta.issueId ?? meta.dockey,
      CreationDate: meta.issuedAt ?? new Date(),
    },
    lang: view.lang === 'en' ? 'en-US' : 'ko-KR',
    // no default font: pdfkit would parse its Helvetica metrics for every document; all text goes through
    // pdf-fonts.ts
    font: null as unknown as undefined,
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  try {
    const writer = new FormWriter(pdf, view, view.copy === 'supplier' ? RED : BLUE);
    writer.newPage();
    drawInvoice(writer);
    drawStatement(writer);
    const range = pdf.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      pdf.switchToPage(i);
      if (view.draft) watermark(writer.p, view.text.draft);
      const label = view.text.page(i - range.start + 1, range.count);
      const p = writer.p;
      const lw = p.width(label, 7.5);
      p.raw(label, X1 - lw, PAGE_H - 24, 7.5, false, MUTED);
      p.raw('Hanbill', X0, PAGE_H - 24, 7.5, false, MUTED);
    }
    writer.p.text.finish();
    pdf.end();
  } catch (err) {
    pdf.end();
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  return done;
}
