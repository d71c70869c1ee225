/**
 * What the PDF, the "문서보기" page and the mail show of one document: every display string computed once
 * (labels in the reader's language, formatted amounts, dates and numbers), so the three renderers agree.
 * Korean code labels come from `labels.ts`; the English ones live here (they exist nowhere else).
 */
import {
  AMENDMENT_REASON_LABELS,
  BUYER_ID_TYPE_LABELS,
  DOCUMENT_KIND_LABELS,
  PAYMENT_MEANS,
  PAYMENT_MEAN_LABELS,
  PURPOSE_LABELS,
  documentTitle,
  documentTypeLabel,
  typeCodeOf,
} from '../model.ts';
import type {
  AmendmentReasonCode,
  BusinessParty,
  BuyerParty,
  DocumentInput,
  DocumentKind,
  PaymentMean,
  Purpose,
} from '../model.ts';
import {
  formatAmount,
  formatAmountInWords,
  formatBizno,
  formatBuyerId,
  formatCompactDate,
  formatDecimal,
  formatIssueId,
  formatKst,
  itemSummary,
  type RenderLang,
} from './format.ts';

export type { RenderLang } from './format.ts';

/** proc / read / NTS state of the document as labels in the reader's language (the caller maps codes). */
export interface RenderStates {
  /** e.g. '발행완료', '승인', '거부'. */
  proc?: string;
  /** e.g. '열람', '미열람'. */
  read?: string;
  /** e.g. '전송완료', '미전송'. */
  nts?: string;
}

/** Facts about the issued document that are not part of the `DocumentInput`. */
export interface RenderMeta {
  /** 24-digit 승인번호 (NTS IssueID); absent for drafts. */
  issueId?: string;
  dockey: string;
  /** 발행일시; also the PDF's CreationDate (deterministic output). */
  issuedAt?: Date;
  states?: RenderStates;
  /** The recipient's "문서보기" link (mail). */
  viewUrl?: string;
  lang: RenderLang;
  /** Whose copy: '(공급자 보관용)' or '(공급받는자 보관용)'. Default 'buyer' (the recipient's view, mail and PDF). */
  copy?: 'supplier' | 'buyer';
}

const EN_KIND: Record<DocumentKind, string> = { tax_invoice: 'Tax Invoice', invoice: 'Invoice (VAT-exempt)' };
const EN_PURPOSE: Record<Purpose, string> = { receipt: 'received', claim: 'claimed' };
const EN_PAYMENT: Record<PaymentMean, string> = { cash: 'Cash', check: 'Check', note: 'Note', credit: 'Credit' };
const EN_AMENDMENT: Record<AmendmentReasonCode, string> = {
  '01': 'Correction of errors',
  '02': 'Change of supply amount',
  '03': 'Return of goods',
  '04': 'Cancellation of contract',
  '05': 'Local L/C opened afterwards',
  '06': 'Duplicate issuance by mistake',
};

/** Fixed words of the form. */
export interface FormText {
  supplier: string;
  buyer: string;
  trustee: string;
  regNo: string;
  subBizno: string;
  name: string;
  ceo: string;
  address: string;
  businessType: string;
  businessItem: string;
  email: string;
  issueId: string;
  writeDate: string;
  supply: string;
  tax: string;
  amendReason: string;
  originalIssueId: string;
  remarks: string;
  month: string;
  day: string;
  item: string;
  spec: string;
  quantity: string;
  unitPrice: string;
  lineSupply: string;
  lineTax: string;
  lineRemark: string;
  total: string;
  thisAmountBefore: string;
  thisAmountAfter: string;
  copySupplier: string;
  copyBuyer: string;
  draft: string;
  draftNotice: string;
  issuedAt: string;
  dockey: string;
  procState: string;
  readState: string;
  ntsState: string;
  type: string;
  page: (n: number, of: number) => string;
  continued: string;
  // statement
  statementTitle: string;
  statementDate: string;
  statementTotal: string;
  unit: string;
  lineTotal: string;
  sum: string;
  previousBalance: string;
  deposit: string;
  unpaid: string;
  balance: string;
  memo: string;
  statementOf: string;
  // html / mail
  downloadPdf: string;
  downloadXml: string;
  approve: string;
  reject: string;
  rejectReason: string;
  approveHint: string;
  rejectHint: string;
  attachedStatement: string;
  issuedBy: string;
  items: string;
  grandTotal: string;
}

export const FORM_TEXT: Record<RenderLang, FormText> = {
  ko: {
    supplier: '공급자',
    buyer: '공급받는자',
    trustee: '수탁자',
    regNo: '등록번호',
    subBizno: '종사업장 번호',
    name: '상호(법인명)',
    ceo: '성명',
    address: '사업장 주소',
    businessType: '업태',
    businessItem: '종목',
    email: '이메일',
    issueId: '승인번호',
    writeDate: '작성일자',
    supply: '공급가액',
    tax: '세액',
    amendReason: '수정사유',
    originalIssueId: '당초 승인번호',
    remarks: '비고',
    month: '월',
    day: '일',
    item: '품목',
    spec: '규격',
    quantity: '수량',
    unitPrice: '단가',
    lineSupply: '공급가액',
    lineTax: '세액',
    lineRemark: '비고',
    total: '합계금액',
    thisAmountBefore: '이 금액을',
    thisAmountAfter: '함',
    copySupplier: '(공급자 보관용)',
    copyBuyer: '(공급받는자 보관용)',
    draft: '미발행',
    draftNotice: '발행 전 문서입니다 (승인번호 없음).',
    issuedAt: '발행일시',
    dockey: '문서키',
    procState: '처리상태',
    readState: '열람상태',
    ntsState: '국세청 전송',
    type: '종류',
    page: (n, of) => `${n} / ${of}`,
    continued: '(계속)',
    statementTitle: '거래명세서',
    statementDate: '거래일자',
    statementTotal: '합계금액',
    unit: '단위',
    lineTotal: '합계',
    sum: '계',
    previousBalance: '전잔금',
    deposit: '입금',
    unpaid: '미수금',
    balance: '잔액',
    memo: '메모',
    statementOf: '첨부 거래명세서',
    downloadPdf: 'PDF 내려받기',
    downloadXml: '표준 XML 내려받기',
    approve: '승인',
    reject: '거부',
    rejectReason: '거부 사유',
    approveHint: '이 계산서의 내용을 확인하고 승인합니다.',
    rejectHint: '거부하면 공급자에게 사유가 전달됩니다.',
    attachedStatement: '거래명세서',
    issuedBy: '발행',
    items: '품목',
    grandTotal: '합계',
  },
  en: {
    supplier: 'Supplier',
    buyer: 'Recipient',
    trustee: 'Trustee',
    regNo: 'Reg. No.',
    subBizno: 'Branch No.',
    name: 'Company',
    ceo: 'CEO',
    address: 'Address',
    businessType: 'Business type',
    businessItem: 'Business item',
    email: 'Email',
    issueId: 'Approval No.',
    writeDate: 'Date',
    supply: 'Supply amount',
    tax: 'Tax',
    amendReason: 'Amendment reason',
    originalIssueId: 'Original approval No.',
    remarks: 'Remarks',
    month: 'M',
    day: 'D',
    item: 'Item',
    spec: 'Spec.',
    quantity: 'Qty',
    unitPrice: 'Unit price',
    lineSupply: 'Supply amount',
    lineTax: 'Tax',
    lineRemark: 'Remarks',
    total: 'Total amount',
    thisAmountBefore: 'This amount is',
    thisAmountAfter: '',
    copySupplier: '(supplier\u2019s copy)',
    copyBuyer: '(recipient\u2019s copy)',
    draft: 'Not issued',
    draftNotice: 'Draft: not issued yet (no approval number).',
    issuedAt: 'Issued at',
    dockey: 'Document key',
    procState: 'Status',
    readState: 'Read',
    ntsState: 'NTS filing',
    type: 'Type',
    page: (n, of) => `${n} / ${of}`,
    continued: '(continued)',
    statementTitle: 'Transaction Statement',
    statementDate: 'Date',
    statementTotal: 'Total amount',
    unit: 'Unit',
    lineTotal: 'Total',
    sum: 'Sum',
    previousBalance: 'Previous balance',
    deposit: 'Deposit',
    unpaid: 'Unpaid',
    balance: 'Balance',
    memo: 'Memo',
    statementOf: 'Attached transaction statement',
    downloadPdf: 'Download PDF',
    downloadXml: 'Download standard XML',
    approve: 'Approve',
    reject: 'Reject',
    rejectReason: 'Reason for rejection',
    approveHint: 'I have checked this invoice and approve it.',
    rejectHint: 'The supplier receives the reason when you reject.',
    attachedStatement: 'Transaction statement',
    issuedBy: 'issued by',
    items: 'Items',
    grandTotal: 'Total',
  },
};

export interface PartyView {
  role: 'supplier' | 'buyer' | 'trustee';
  heading: string;
  idLabel: string;
  id: string;
  subBizno: string;
  name: string;
  ceoName: string;
  address: string;
  businessType: string;
  businessItem: string;
  /** One or two addresses, ', '-joined. */
  email: string;
}

export interface LineView {
  month: string;
  day: string;
  name: string;
  spec: string;
  quantity: string;
  unitPrice: string;
  supply: string;
  tax: string;
  remark: string;
}

export interface StatementLineView {
  date: string;
  name: string;
  spec: string;
  unit: string;
  quantity: string;
  unitPrice: string;
  supply: string;
  tax: string;
  total: string;
  remark: string;
}

export interface StatementView {
  title: string;
  lines: StatementLineView[];
  sumSupply: string;
  sumTax: string;
  sumTotal: string;
  /** '일금 이십사만이천원정 (₩242,000)'. */
  totalInWords: string;
  /** Period of the lines' dates, 'YYYY-MM-DD' or 'YYYY-MM-DD ~ YYYY-MM-DD'. */
  period: string;
  balances: { label: string; value: string }[];
  memo: string;
}

export interface InvoiceView {
  lang: RenderLang;
  text: FormText;
  /** 전자세금계산서, 수정전자계산서, Electronic Tax Invoice … */
  title: string;
  copyLabel: string;
  copy: 'supplier' | 'buyer';
  /** '세금계산서(영세율)'; `typeIsRegular` when it is the plain 일반 variant. */
  typeLabel: string;
  typeIsRegular: boolean;
  /** Formatted 승인번호, or the draft label. */
  issueId: string;
  draft: boolean;
  /** Whether the form has 세액 columns (세금계산서) or not (계산서). */
  hasTax: boolean;
  supplier: PartyView;
  buyer: PartyView;
  trustee?: PartyView;
  writeDate: string;
  supply: string;
  tax: string;
  total: string;
  amendment?: { reason: string; originalIssueId: string };
  remarks: string[];
  lines: LineView[];
  /** Cash / check / note / credit in NTS order; '' when zero or absent. */
  payments: { mean: PaymentMean; label: string; amount: string }[];
  purpose: string;
  itemSummary: string;
  issuedAt?: string;
  dockey: string;
  states: { label: string; value: string }[];
  statement?: StatementView;
}

function businessParty(p: BusinessParty, role: 'supplier' | 'trustee', t: FormText): PartyView {
  return {
    role,
    heading: role === 'supplier' ? t.supplier : t.trustee,
    idLabel: t.regNo,
    id: formatBizno(p.bizno),
    subBizno: p.subBizno ?? '',
    name: p.name,
    ceoName: p.ceoName,
    address: p.address ?? '',
    businessType: p.businessType ?? '',
    businessItem: p.businessItem ?? '',
    email: p.contact?.email ?? '',
  };
}

function buyerParty(p: BuyerParty, t: FormText, lang: RenderLang): PartyView {
  const idLabel = p.idType === 'resident' ? (lang === 'en' ? 'Resident No.' : BUYER_ID_TYPE_LABELS.resident) : t.regNo;
  const foreigner = p.idType === 'foreigner' ? ` (${lang === 'en' ? 'foreigner' : BUYER_ID_TYPE_LABELS.foreigner})` : '';
  return {
    role: 'buyer',
    heading: t.buyer,
    idLabel,
    id: `${formatBuyerId(p.idType, p.id)}${foreigner}`,
    subBizno: p.subBizno ?? '',
    name: p.name,
    ceoName: p.ceoName ?? p.name,
    address: p.address ?? '',
    businessType: p.businessType ?? '',
    businessItem: p.businessItem ?? '',
    email: (p.contacts ?? [])
      .map((c) => c.email ?? '')
      .filter((e) => e !== '')
      .join(', '),
  };
}

const amountOrBlank = (v: number | undefined): string => (v === undefined || v === 0 ? '' : formatAmount(v));
const amountOrEmpty = (v: number | undefined): string => (v === undefined ? '' : formatAmount(v));

function statementView(doc: DocumentInput, t: FormText, lang: RenderLang): StatementView | undefined {
  const s = doc.statement;
  if (!s) return undefined;
  const lines = s.lines;
  const sum = (f: (l: (typeof lines)[number]) => number) => lines.reduce((acc, l) => acc + f(l), 0);
  const total = sum((l) => l.total);
  const dates = s.lines.map((l) => l.date).sort();
  const first = dates[0];
  const last = dates[dates.length - 1];
  const period = first === undefined || last === undefined ? formatCompactDate(doc.writeDate) : first === last ? formatCompactDate(first) : `${formatCompactDate(first)} ~ ${formatCompactDate(last)}`;
  return {
    // A custom title is shown as given; the default Korean one follows the reader's language.
    title: s.title?.trim() && s.title.trim() !== FORM_TEXT.ko.statementTitle ? s.title.trim() : t.statementTitle,
    lines: s.lines.map((l) => ({
      date: formatCompactDate(l.date),
      name: l.name,
      spec: l.spec ?? '',
      unit: l.unit ?? '',
      quantity: formatDecimal(l.quantity),
      unitPrice: formatDecimal(l.unitPrice),
      supply: formatAmount(l.supply),
      tax: formatAmount(l.tax),
      total: formatAmount(l.total),
      remark: l.remark ?? '',
    })),
    sumSupply: formatAmount(sum((l) => l.supply)),
    sumTax: formatAmount(sum((l) => l.tax)),
    sumTotal: formatAmount(total),
    totalInWords: formatAmountInWords(total, lang),
    period,
    balances: [
      { label: t.previousBalance, value: amountOrEmpty(s.previousBalance) },
      { label: t.deposit, value: amountOrEmpty(s.deposit) },
      { label: t.unpaid, value: amountOrEmpty(s.unpaid) },
      { label: t.balance, value: amountOrEmpty(s.balance) },
    ],
    memo: s.memo ?? '',
  };
}

/** The display model of one document for the given meta. */
export function invoiceView(doc: DocumentInput, meta: RenderMeta): InvoiceView {
  const lang: RenderLang = meta.lang === 'en' ? 'en' : 'ko';
  const t = FORM_TEXT[lang];
  const amended = doc.amendment !== undefined;
  const copy = meta.copy ?? 'buyer';
  const typeCode = typeCodeOf(doc);
  const title = lang === 'en' ? `${amended ? 'Amended ' : ''}Electronic ${EN_KIND[doc.kind]}` : documentTitle(doc.kind, amended);
  const enType = [doc.taxType === 'zero_rated' ? 'zero-rated' : 'regular', ...(doc.consignment ? ['consignment'] : [])].join(', ');
  const typeLabel = lang === 'en' ? `${amended ? 'Amended ' : ''}${EN_KIND[doc.kind].replace(/ \(.*\)$/, '').toLowerCase()} (${enType})` : documentTypeLabel(doc);
  const states: { label: string; value: string }[] = [];
  if (meta.states?.proc) states.push({ label: t.procState, value: meta.states.proc });
  if (meta.states?.read) states.push({ label: t.readState, value: meta.states.read });
  if (meta.states?.nts) states.push({ label: t.ntsState, value: meta.states.nts });
  const view: InvoiceView = {
    lang,
    text: t,
    title,
    copy,
    copyLabel: copy === 'supplier' ? t.copySupplier : t.copyBuyer,
    typeLabel: lang === 'en' ? typeLabel.charAt(0).toUpperCase() + typeLabel.slice(1) : typeLabel,
    typeIsRegular: typeCode.endsWith('01'),
    issueId: meta.issueId ? formatIssueId(meta.issueId) : t.draft,
    draft: !meta.issueId,
    hasTax: doc.kind === 'tax_invoice',
    supplier: businessParty(doc.supplier, 'supplier', t),
    buyer: buyerParty(doc.buyer, t, lang),
    writeDate: formatCompactDate(doc.writeDate),
    supply: formatAmount(doc.amounts.supply),
    tax: formatAmount(doc.amounts.tax),
    total: formatAmount(doc.amounts.total),
    remarks: (doc.remarks ?? []).filter((r) => r.trim() !== ''),
    lines: doc.lines.map((l) => ({
      month: l.month === undefined ? '' : String(l.month).padStart(2, '0'),
      day: l.day === undefined ? '' : String(l.day).padStart(2, '0'),
      name: l.name ?? '',
      spec: l.spec ?? '',
      quantity: formatDecimal(l.quantity),
      unitPrice: formatDecimal(l.unitPrice),
      supply: formatAmount(l.supply),
      tax: doc.kind === 'tax_invoice' ? formatAmount(l.tax) : '',
      remark: l.remark ?? '',
    })),
    payments: PAYMENT_MEANS.map((mean) => ({
      mean,
      label: lang === 'en' ? EN_PAYMENT[mean] : PAYMENT_MEAN_LABELS[mean],
      amount: amountOrBlank(doc.payments?.[mean]),
    })),
    purpose: lang === 'en' ? EN_PURPOSE[doc.purpose] : PURPOSE_LABELS[doc.purpose],
    itemSummary: itemSummary(doc.lines, lang),
    dockey: meta.dockey,
    states,
  };
  if (doc.consignment && doc.trustee) view.trustee = businessParty(doc.trustee, 'trustee', t);
  if (doc.amendment) {
    const code = doc.amendment.reasonCode;
    view.amendment = {
      reason: `${code} ${lang === 'en' ? EN_AMENDMENT[code] : AMENDMENT_REASON_LABELS[code]}`,
      originalIssueId: formatIssueId(doc.amendment.originalIssueId),
    };
  }
  if (meta.issuedAt) view.issuedAt = `${formatKst(meta.issuedAt)} KST`;
  const statement = statementView(doc, t, lang);
  if (statement) view.statement = statement;
  return view;
}

/** '세금계산서' / '계산서' (ko) or 'tax invoice' / 'invoice' (en), for sentences. */
export function kindWord(kind: DocumentKind, lang: RenderLang): string {
  return lang === 'en' ? (kind === 'tax_invoice' ? 'tax invoice' : 'invoice') : DOCUMENT_KIND_LABELS[kind];
}
