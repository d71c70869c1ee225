import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppError } from '../../platform/errors.ts';
import { loadNpkiPrivateKey } from './npki-private-key.ts';
import { computeTaxInvoiceSignature, signTaxInvoice, verifyTaxInvoice } from './tax-invoice-signature.ts';
import { normalizeXmlText, parseXmlStrict } from './tax-invoice-xml.ts';
import { canonicalizeSubtree } from './xml-c14n.ts';
import { referencePath } from '../../../test/support/reference.ts';

const FIXTURE = referencePath('npki-test-fixture');
const SAMPLES = referencePath('kec-taxinvoice');
const fixture = (name: string) => readFileSync(`${FIXTURE}/${name}`);
const sample = (name: string) => readFileSync(`${SAMPLES}/${name}`, 'utf8');

const { privateKey } = loadNpkiPrivateKey(fixture('signPri.key'), 'Test1234!');
const certDer = fixture('signCert.der');
const unsigned0101 = sample('open-etaxbill-core_unitest_1-0101.xml'); // UTF-8 BOM + CRLF, as committed upstream
const signedFixture = fixture('open-etaxbill-1-0101.signed.xml');
const signedFixtureText = signedFixture.toString('utf8');

const between = (text: string, open: string, close: string) => {
  const start = text.indexOf(open);
  return start < 0 ? undefined : text.slice(start + open.length, text.indexOf(close, start));
};

// --- byte-exact conformance with the JDK-signed fixture ------------------------------------------

test('pre-digest octets equal open-etaxbill-1-0101.predigest.bin', () => {
  const { digestInput, digestValue } = computeTaxInvoiceSignature(unsigned0101);
  assert.deepEqual(Buffer.from(digestInput, 'utf8'), fixture('open-etaxbill-1-0101.predigest.bin'));
  assert.equal(digestValue, 'io9pS8qSb1OCsTMCSUwId9KE50E1SCREzaD1hnDo+yQ=');
});

test('canonical SignedInfo equals open-etaxbill-1-0101.signedinfo.c14n.xml', () => {
  const { canonicalSignedInfo } = computeTaxInvoiceSignature(unsigned0101);
  assert.deepEqual(Buffer.from(canonicalSignedInfo, 'utf8'), fixture('open-etaxbill-1-0101.signedinfo.c14n.xml'));
});

test('signing the 0101 sample reproduces the JDK-signed file byte for byte', () => {
  const signed = signTaxInvoice(unsigned0101, privateKey, certDer);
  assert.equal(between(signed, '<ds:DigestValue>', '</'), between(signedFixtureText, '<ds:DigestValue>', '</'));
  assert.equal(between(signed, '<ds:SignatureValue>', '</'), between(signedFixtureText, '<ds:SignatureValue>', '</'));
  assert.deepEqual(Buffer.from(signed, 'utf8'), signedFixture);
});

test('BOM / CRLF / LF variants of the same invoice sign identically', () => {
  const lf = unsigned0101.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const cr = lf.replace(/\n/g, '\r');
  const expected = signTaxInvoice(unsigned0101, privateKey, certDer);
  assert.equal(signTaxInvoice(lf, privateKey, certDer), expected);
  assert.equal(signTaxInvoice(cr, privateKey, certDer), expected);
});

// --- verification ---------------------------------------------------------------------------------

test('the verifier accepts the JDK fixture and returns its certificate', () => {
  const result = verifyTaxInvoice(signedFixtureText);
  assert.equal(result.valid, true, result.reason);
  assert.deepEqual(result.certificateDer, certDer);
});

test('sign → verify round trip on all five KEC samples', () => {
  for (const name of [
    'open-etaxbill-core_unitest_1-0101.xml',
    'open-etaxbill-core_unitest_1-0201.xml',
    'open-etaxbill-core_unitest_1-0301.xml',
    'open-etaxbill-core_unitest_1-0401.xml',
    'ruseel-kr-etax-sample_unsigned.xml',
  ]) {
    const signed = signTaxInvoice(sample(name), privateKey, certDer);
    const signatureAt = signed.indexOf('<ds:Signature ');
    assert.ok(signatureAt > signed.indexOf('</ExchangedDocument>'), name);
    assert.ok(signed.startsWith('<ds:Signature ', signatureAt) && signed.indexOf('<TaxInvoiceDocument>') > signatureAt, name);
    const result = verifyTaxInvoice(signed);
    assert.equal(result.valid, true, `${name}: ${result.reason}`);
  }
});

test('the verifier rejects a tampered amount', () => {
  const tampered = signedFixtureText.replace('<GrandTotalAmount>242000</GrandTotalAmount>', '<GrandTotalAmount>2420000</GrandTotalAmount>');
  assert.notEqual(tampered, signedFixtureText);
  const result = verifyTaxInvoice(tampered);
  assert.equal(result.valid, false);
  assert.match(result.reason ?? '', /digest mismatch/);
  assert.equal(result.certificateDer, undefined);
});

test('the verifier rejects a tampered SignatureValue', () => {
  const value = between(signedFixtureText, '<ds:SignatureValue>', '</')!;
  const flipped = (value.startsWith('A') ? 'B' : 'A') + value.slice(1);
  const result = verifyTaxInvoice(signedFixtureText.replace(value, flipped));
  assert.equal(result.valid, false);
  assert.match(result.reason ?? '', /SignatureValue/);
});

test('the verifier rejects a SignatureValue made with another key', () => {
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const value = between(signedFixtureText, '<ds:SignatureValue>', '</')!;
  const { canonicalSignedInfo } = computeTaxInvoiceSignature(unsigned0101);
  const forged = sign('sha256', Buffer.from(canonicalSignedInfo), otherKey).toString('base64');
  const result = verifyTaxInvoice(signedFixtureText.replace(value, forged));
  assert.equal(result.valid, false);
});

test('signature wrapping attempts are rejected', () => {
  const forgedSummation =
    '<ExchangedDocument><SpecifiedMonetarySummation><GrandTotalAmount>1</GrandTotalAmount></SpecifiedMonetarySummation></ExchangedDocument>';
  const attempts: Record<string, string> = {
    // the XPath filter ignores every element *named* ExchangedDocument, at any depth
    'nested ExchangedDocument smuggling data into the settlement': signedFixtureText.replace(
      '<TaxInvoiceTradeSettlement>',
      `<TaxInvoiceTradeSettlement>${forgedSummation}`,
    ),
    'forged TaxInvoiceDocument inside the unsigned ExchangedDocument': signedFixtureText.replace(
      '</ExchangedDocument>',
      '<TaxInvoiceDocument><IssueID>999</IssueID></TaxInvoiceDocument></ExchangedDocument>',
    ),
    'a second, unsigned ds:Signature wrapping forged content': signedFixtureText.replace(
      '<TaxInvoiceTradeLineItem>',
      '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><TaxInvoiceTradeLineItem><InvoiceAmount>1</InvoiceAmount></TaxInvoiceTradeLineItem></ds:Signature><TaxInvoiceTradeLineItem>',
    ),
    'the signed invoice wrapped in another document': signedFixtureText.replace(/^(<\?xml[^>]*\?>)([\s\S]*)$/, '$1<Envelope>$2</Envelope>'),
    'a nested TaxInvoice (its tag is outside the digest)': signedFixtureText.replace(
      '<TaxInvoiceTradeLineItem>',
      '<TaxInvoice><TaxInvoiceTradeLineItem>',
    ).replace('</TaxInvoiceTradeLineItem>\n</TaxInvoice>', '</TaxInvoiceTradeLineItem></TaxInvoice>\n</TaxInvoice>'),
    'two ExchangedDocuments at the root': signedFixtureText.replace('<ds:Signature', '<ExchangedDocument><ID>x</ID></ExchangedDocument><ds:Signature'),
  };
  for (const [name, xml] of Object.entries(attempts)) {
    assert.notEqual(xml, signedFixtureText, name);
    const result = verifyTaxInvoice(xml);
    assert.equal(result.valid, false, name);
    assert.ok(result.reason, name);
    assert.doesNotMatch(result.reason, /digest mismatch/, `${name} must be caught by the layout rules`);
  }
});

test('the unsigned ExchangedDocument may change (it is outside the signature by design)', () => {
  const changed = signedFixtureText.replace('<ID>201607184200023800000001</ID>', '<ID>ASP-MGMT-0001</ID>');
  assert.notEqual(changed, signedFixtureText);
  assert.equal(verifyTaxInvoice(changed).valid, true);
});

test('re-indenting around the signature breaks it (whitespace is digested)', () => {
  const reindented = signedFixtureText.replace('</ds:Signature><TaxInvoiceDocument>', '</ds:Signature>\n\t<TaxInvoiceDocument>');
  assert.equal(verifyTaxInvoice(reindented).valid, false);
});

test('the verifier explains malformed and unsigned input instead of throwing', () => {
  for (const [xml, pattern] of [
    ['not xml at all', /XML/],
    ['<TaxInvoice/>', /root element/],
    [unsigned0101, /exactly one ds:Signature, found 0/],
    [signedFixtureText.replace('xmldsig-more#rsa-sha256', 'xmldsig#rsa-sha1'), /unsupported SignatureMethod/],
    [signedFixtureText.replace("name() = 'TaxInvoice'", "name() = 'Other'"), /XPath/],
    [signedFixtureText.replace('<ds:Reference URI="">', '<ds:Reference URI="#x">'), /URI=""/],
  ] as const) {
    const result = verifyTaxInvoice(xml);
    assert.equal(result.valid, false);
    assert.match(result.reason ?? '', pattern);
  }
});

test('legacy RSA-SHA1/SHA-1 signatures verify only when allowed', () => {
  const { digestInput } = computeTaxInvoiceSignature(unsigned0101);
  let legacy = signedFixtureText
    .replace('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1')
    .replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1')
    .replace(between(signedFixtureText, '<ds:DigestValue>', '</')!, createHash('sha1').update(digestInput).digest('base64'));
  const signedInfo = parseXmlStrict(normalizeXmlText(legacy)).getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'SignedInfo')[0]!;
  const signatureValue = sign('sha1', Buffer.from(canonicalizeSubtree(signedInfo)), privateKey).toString('base64');
  legacy = legacy.replace(between(legacy, '<ds:SignatureValue>', '</')!, signatureValue);
  assert.match(verifyTaxInvoice(legacy).reason ?? '', /unsupported SignatureMethod/);
  const allowed = verifyTaxInvoice(legacy, { allowLegacySha1: true });
  assert.equal(allowed.valid, true, allowed.reason);
});

// --- signer input checks --------------------------------------------------------------------------

const isXmlError = (err: unknown) => err instanceof AppError && err.code === 'field_invalid' && err.field === 'xml';

test('the signer refuses what it cannot sign', () => {
  assert.throws(() => signTaxInvoice('<Invoice/>', privateKey, certDer), isXmlError);
  assert.throws(() => signTaxInvoice('<TaxInvoice', privateKey, certDer), isXmlError);
  assert.throws(() => signTaxInvoice(signedFixtureText, privateKey, certDer), isXmlError);
  assert.throws(() => signTaxInvoice('<!DOCTYPE x><TaxInvoice/>', privateKey, certDer), isXmlError);
  assert.throws(
    () => signTaxInvoice(unsigned0101.replace(/<TaxInvoiceDocument>[\s\S]*<\/TaxInvoiceDocument>/, ''), privateKey, certDer),
    isXmlError,
  );
});

test('the signer refuses a key that does not fit the certificate, or is too small', () => {
  const isKeyError = (err: unknown) => err instanceof AppError && err.code === 'certificate_invalid' && err.field === 'signPri';
  assert.throws(() => signTaxInvoice(unsigned0101, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, certDer), isKeyError);
  assert.throws(() => signTaxInvoice(unsigned0101, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, certDer), isKeyError);
  assert.throws(() => signTaxInvoice(unsigned0101, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, certDer), isKeyError);
});
