import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { C14nCanonicalization } from 'xml-crypto';
import type { Element } from '@xmldom/xmldom';
import { normalizeXmlText, parseXmlStrict } from './tax-invoice-xml.ts';
import { canonicalizeSubtree, escapeC14nAttribute, escapeC14nText } from './xml-c14n.ts';
import { referencePath } from '../../../test/support/reference.ts';

const parse = (xml: string) => parseXmlStrict(normalizeXmlText(xml));
const canonicalRoot = (xml: string) => canonicalizeSubtree(parse(xml).documentElement!);

test('C14N spec §3.3: start/end tags, attribute order, namespace redundancy', () => {
  const input = `<doc>
   <e1   />
   <e2   ></e2>
   <e3   name = "elem3"   id="elem3"   />
   <e4   name="elem4"   id="elem4"   ></e4>
   <e5 a:attr="out" b:attr="sorted" attr2="all" attr="I'm"
      xmlns:b="http://www.ietf.org"
      xmlns:a="http://www.w3.org"
      xmlns="http://example.org"/>
   <e6 xmlns="" xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="" xmlns:a="http://www.w3.org">
            <e9 xmlns="" xmlns:a="http://www.ietf.org"/>
         </e8>
      </e7>
   </e6>
</doc>`;
  const expected = `<doc>
   <e1></e1>
   <e2></e2>
   <e3 id="elem3" name="elem3"></e3>
   <e4 id="elem4" name="elem4"></e4>
   <e5 xmlns="http://example.org" xmlns:a="http://www.w3.org" xmlns:b="http://www.ietf.org" attr="I'm" attr2="all" b:attr="sorted" a:attr="out"></e5>
   <e6 xmlns:a="http://www.w3.org">
      <e7 xmlns="http://www.ietf.org">
         <e8 xmlns="">
            <e9 xmlns:a="http://www.ietf.org"></e9>
         </e8>
      </e7>
   </e6>
</doc>`;
  assert.equal(canonicalRoot(input), expected);
});

test('C14N spec §3.4: character modifications and character references', () => {
  const input = `<doc>
   <text>First line&#x0d;&#10;Second line</text>
   <value>&#x32;</value>
   <compute><![CDATA[value>"0" && value<"10" ?"valid":"error"]]></compute>
   <compute expr='value>"0" &amp;&amp; value&lt;"10" ?"valid":"error"'>valid</compute>
   <norm attr=' &apos;   &#x20;&#13;&#xa;&#9;   &apos; '/>
   <normNames attr='   A   &#x20;&#13;&#xa;&#9;   B   '/>
</doc>`;
  const expected = `<doc>
   <text>First line&#xD;
Second line</text>
   <value>2</value>
   <compute>value&gt;"0" &amp;&amp; value&lt;"10" ?"valid":"error"</compute>
   <compute expr="value>&quot;0&quot; &amp;&amp; value&lt;&quot;10&quot; ?&quot;valid&quot;:&quot;error&quot;">valid</compute>
   <norm attr=" '    &#xD;&#xA;&#x9;   ' "></norm>
   <normNames attr="   A    &#xD;&#xA;&#x9;   B   "></normNames>
</doc>`;
  assert.equal(canonicalRoot(input), expected);
});

test('comments are dropped, processing instructions kept', () => {
  assert.equal(canonicalRoot('<a><!-- note --><?pi  some data?><?empty?>x</a>'), '<a><?pi some data?><?empty?>x</a>');
});

test('a subtree apex renders every inherited namespace; descendants only changes', () => {
  const doc = parse('<r xmlns="urn:r" xmlns:x="urn:x" xmlns:b="urn:b"><s:s xmlns:s="urn:s"><s:t xmlns:x="urn:x"><u xmlns=""/></s:t></s:s></r>');
  const apex = doc.documentElement!.firstChild as Element;
  assert.equal(
    canonicalizeSubtree(apex),
    '<s:s xmlns="urn:r" xmlns:b="urn:b" xmlns:s="urn:s" xmlns:x="urn:x"><s:t><u xmlns=""></u></s:t></s:s>',
  );
});

test('escaping helpers', () => {
  assert.equal(escapeC14nText('a&b<c>d\re"\'\t'), 'a&amp;b&lt;c&gt;d&#xD;e"\'\t');
  assert.equal(escapeC14nAttribute('a&b<c>d"\t\n\r\''), 'a&amp;b&lt;c>d&quot;&#x9;&#xA;&#xD;\'');
});

test('agrees with xml-crypto inclusive C14N on the KEC samples and the signed fixture', () => {
  const files = [
    referencePath('kec-taxinvoice/open-etaxbill-core_unitest_1-0101.xml'),
    referencePath('kec-taxinvoice/open-etaxbill-core_unitest_1-0201.xml'),
    referencePath('kec-taxinvoice/open-etaxbill-core_unitest_1-0301.xml'),
    referencePath('kec-taxinvoice/open-etaxbill-core_unitest_1-0401.xml'),
    referencePath('kec-taxinvoice/ruseel-kr-etax-sample_unsigned.xml'),
    referencePath('npki-test-fixture/open-etaxbill-1-0101.signed.xml'),
  ];
  const reference = new C14nCanonicalization();
  for (const file of files) {
    const root = parse(readFileSync(file, 'utf8')).documentElement!;
    // xml-crypto's typings use the DOM lib types; the xmldom node is what it expects at runtime
    const theirs = reference.process(root as never, {});
    assert.equal(canonicalizeSubtree(root), theirs, file);
  }
});
