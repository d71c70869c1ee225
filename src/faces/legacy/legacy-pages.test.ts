// The legacy page table is static: importing the routes is enough to know every page and cmd (LEGACY-API.md),
// with no registration call from the composition root (a start that forgot one answered "unknown page").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LEGACY_PAGES } from './legacy-routes.ts';

test('every page of LEGACY-API.md and its cmds are in the table without any registration', () => {
  const table = Object.fromEntries(Object.entries(LEGACY_PAGES).map(([page, cmds]) => [page, Object.keys(cmds).sort()]));
  assert.deepEqual(table, {
    '_member.aspx': ['checkid', 'insert'],
    '_service.aspx': ['sinchservice'],
    '_auth.aspx': ['getsvckey', 'resetkey'],
    'document.aspx': ['cancel', 'delete', 'get', 'insert', 'multilist', 'send', 'update'],
    'taxinvoice.aspx': ['reqnts'],
    'taxinvoce.aspx': ['reqnts'],
    'reverse.aspx': ['get', 'issue', 'list', 'refuse', 'request', 'withdraw'],
  });
  assert.equal(LEGACY_PAGES['taxinvoce.aspx'], LEGACY_PAGES['taxinvoice.aspx'], 'the seed spelling is an alias of the same page');
});

test('the table cannot be changed at run time', () => {
  assert.ok(Object.isFrozen(LEGACY_PAGES));
  for (const page of Object.values(LEGACY_PAGES)) assert.ok(Object.isFrozen(page));
  assert.throws(() => {
    (LEGACY_PAGES as Record<string, unknown>)['extra.aspx'] = {};
  }, TypeError);
});
