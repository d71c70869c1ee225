// Issue 8 item 5 end to end: entity-like text in names, items and remarks is issued, answered by the legacy face,
// downloaded as standard XML and filed with the NTS simulator, and reads back exactly as written.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStandardXml } from '../../src/modules/documents/standard-xml.ts';
import { legacyPost } from '../support/http.ts';
import type { TestSystem } from '../support/test-system.ts';
import { issueDocuments, legacyRows, memberWithCertificate, reqnts, sampleDocument, startNtsTestSystem, todayKst, waitSettled } from './nts-support.ts';

describe('XML escaping through issue, answers and filing', () => {
  let sys: TestSystem;
  before(async () => {
    sys = await startNtsTestSystem();
  });
  after(async () => {
    await sys.close();
  });

  test('R&D; 연구소, A&nbsp;B and a &lt; b are filed successfully and read back unchanged', async () => {
    const { member } = await memberWithCertificate(sys);
    const doc = sampleDocument('0101', member.bizno, todayKst());
    doc.buyer = { ...doc.buyer, name: 'R&D; 연구소', ceoName: '<홍> & "길동"' };
    doc.lines[0] = { ...doc.lines[0]!, name: 'A&nbsp;B' };
    doc.remarks = ['a &lt; b', '&#60;&amp;'];
    const [issued] = await issueDocuments(sys.ctx, member, [doc]);

    const xml = await fetch(`${sys.url}/v1/subscriptions/${member.subscriptionId}/documents/${issued!.dockey}/xml`, { headers: { 'x-svc-key': member.svcKey } });
    assert.equal(xml.status, 200);
    const parsed = parseStandardXml(await xml.text());
    assert.deepEqual(
      [parsed.invoicee.name, parsed.invoicee.ceoName, parsed.lines[0]?.name, parsed.remarks],
      ['R&D; 연구소', '<홍> & "길동"', 'A&nbsp;B', ['a &lt; b', '&#60;&amp;']],
    );

    const listed = await legacyPost(sys.url, 'document.aspx', { cmd: 'MULTILIST', sinch_no: member.subscriptionId, svc_key: member.svcKey, dockeys: issued!.dockey });
    assert.equal(listed.code, '0000', listed.msg);
    assert.equal(legacyRows(listed)[0]?.['buy_name'], 'R&D; 연구소', 'the legacy XML answer carries the name exactly');

    const filed = await reqnts(sys, member, [issued!.dockey]);
    assert.equal(filed.code, '0000', filed.msg);
    const settled = (await waitSettled(sys, [issued!.dockey])).get(issued!.dockey)!;
    assert.equal(settled.nts_state, '3', `${settled.nts_result_code} ${settled.nts_result_msg}`);
    assert.equal(settled.nts_result_code, 'SUC001');
  });
});
