// Issue 8 item 5: every text a field accepts survives serialize → parse unchanged, in the standard XML and in
// the legacy XML answer. xmlbuilder2 keeps entity-like text (`R&D;`, `A&nbsp;B`, `a &lt; b`) as entity
// references unless every `&` is escaped first, which made the XML ill-formed or changed the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { AppError } from '../../platform/errors.ts';
import { buildStandardXml, parseStandardXml } from './standard-xml.ts';
import { sampleTaxInvoice } from './sample-documents.ts';
import { validateDocument } from './validate-document.ts';
import { renderLegacyXml } from '../../faces/legacy/legacy-codec.ts';
import iconv from 'iconv-lite';

const RUNS = 300;

/** XML metacharacters, entity-like text and CDATA ends, mixed with Hangul and printable ASCII. */
const TOKENS = ['&', '<', '>', '"', "'", ';', '#', 'amp', 'lt', 'nbsp', '&lt;', '&amp;', '&nbsp;', '&#60;', '&#x3C;', '&#xD;', ']]>', '<![CDATA[', 'R&D;', '연구소', '가', '뷁', ' ', 'A'];
const piece = fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: 'grapheme-ascii', maxLength: 3 }));
const fieldText = (maxPieces: number) => fc.array(piece, { minLength: 1, maxLength: maxPieces }).map((p) => p.join(''));
/** Multi-line fields (비고) also take tab, LF and CR. */
const multilineText = fc.array(fc.oneof(piece, fc.constantFrom('\n', '\r\n', '\t', '\r')), { minLength: 1, maxLength: 12 }).map((p) => p.join(''));

/** The validated document, or undefined when a field refuses the text (then it is not a case). */
function tryValidate(input: unknown) {
  try {
    return validateDocument(input);
  } catch (err) {
    if (err instanceof AppError) return undefined;
    throw err;
  }
}

test('standard XML: any accepted text round-trips exactly (names, 대표자, line names, remarks)', () => {
  fc.assert(
    fc.property(fieldText(10), fieldText(8), fieldText(10), fieldText(8), fieldText(14), multilineText, (supName, supCeo, buyName, buyCeo, lineName, remark) => {
      const input = sampleTaxInvoice() as unknown as Record<string, any>;
      input['supplier'] = { ...input['supplier'], name: supName, ceoName: supCeo };
      input['buyer'] = { ...input['buyer'], name: buyName, ceoName: buyCeo };
      input['lines'][0] = { ...input['lines'][0], name: lineName };
      input['remarks'] = [remark];
      const doc = tryValidate(input);
      fc.pre(doc !== undefined);
      const xml = buildStandardXml(doc!, { issueId: '201607184200023800000001', issueDateTime: new Date('2016-07-18T00:00:00Z'), exchangeId: 'x' });
      const parsed = parseStandardXml(xml);
      assert.deepEqual(
        [parsed.invoicer.name, parsed.invoicer.ceoName, parsed.invoicee.name, parsed.invoicee.ceoName, parsed.lines[0]?.name, parsed.remarks[0]],
        [doc!.supplier.name, doc!.supplier.ceoName, doc!.buyer.name, doc!.buyer.ceoName ?? doc!.buyer.name, doc!.lines[0]!.name, doc!.remarks?.[0]],
      );
    }),
    { numRuns: RUNS },
  );
});

test('standard XML: the reported examples', () => {
  const input = sampleTaxInvoice();
  input.buyer = { ...input.buyer, name: 'R&D; 연구소' };
  input.lines[0] = { ...input.lines[0]!, name: 'A&nbsp;B' };
  input.remarks = ['a &lt; b'];
  const xml = buildStandardXml(validateDocument(input), { issueId: '201607184200023800000001', issueDateTime: new Date('2016-07-18T00:00:00Z'), exchangeId: 'x' });
  assert.match(xml, /R&amp;D; 연구소/);
  const parsed = parseStandardXml(xml);
  assert.equal(parsed.invoicee.name, 'R&D; 연구소');
  assert.equal(parsed.lines[0]?.name, 'A&nbsp;B');
  assert.equal(parsed.remarks[0], 'a &lt; b');
});

// the legacy clients' view: a plain XML parser, entities decoded, nothing trimmed
const legacyParser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: false, processEntities: true, htmlEntities: true, isArray: (name) => name === 'row' });

for (const charset of ['utf-8', 'euc-kr'] as const) {
  test(`legacy XML answer (${charset}): msg, fields and list rows round-trip exactly`, () => {
    fc.assert(
      fc.property(fieldText(10), multilineText, fieldText(10), (msg, value, cell) => {
        const bytes = renderLegacyXml({ code: '0000', msg, fields: { com_name: value }, list: { total: 1, rows: [{ name: cell }] } }, charset);
        const text = charset === 'euc-kr' ? iconv.decode(bytes, 'cp949') : bytes.toString('utf8');
        const result = legacyParser.parse(text).result;
        assert.deepEqual([result.msg, result.com_name, result.list.row[0].name], [msg, value, cell]);
      }),
      { numRuns: RUNS },
    );
  });
}
