import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Ctx } from '../../platform/context.ts';
import type { Tenant } from '../subscriptions/authenticate-subscription.ts';
import { tenantProfile } from './prepare-document.ts';

const member = { bizno: '1234567890', sub_bizno: '', com_name: '(주)공급', ceo_name: '김대표', addr1: '서울시 중구', addr2: '1층', uptae: '서비스', jongmok: '', dept: '', user_name: '담당', user_tel: '', tel: '02-123-4567', email: 'a@example.kr' };

test('an authenticated tenant carries its member profile: the issuer is filled without a query', async () => {
  const noDb = { db: new Proxy({}, { get: () => { throw new Error('queried the database'); } }) } as unknown as Ctx;
  const tenant: Tenant = { subscriptionId: 1, memberId: 1, packageId: 1, member };
  assert.deepEqual(await tenantProfile(noDb, tenant), {
    bizno: '1234567890', name: '(주)공급', ceoName: '김대표', address: '서울시 중구 1층', businessType: '서비스',
    contact: { name: '담당', tel: '02-123-4567', email: 'a@example.kr' },
  });
  // a tenant made by a job has no profile: it is read
  await assert.rejects(tenantProfile(noDb, { subscriptionId: 1, memberId: 1, packageId: 1 }), /queried the database/);
});
