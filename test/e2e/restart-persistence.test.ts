// The embedded server keeps what it accepted across a restart (PGlite files in HANBILL_DATA_DIR).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startSystem } from '../../src/main.ts';
import { silentLogger } from '../../src/platform/context.ts';
import { freshBizno, freshLoginId } from '../support/test-system.ts';
import { legacyPost } from '../support/http.ts';

test('data written before a restart of the embedded server is there after it (same svc_key too)', { skip: process.env['TEST_DATABASE_URL'] ? 'embedded-only test (runs in the PGlite pass)' : false }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-restart-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', HANBILL_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const m = { bizno: freshBizno(), id: freshLoginId(), pwd: 'Restart123!' };
  try {
    const first = await startSystem(config, { logger: silentLogger });
    assert.equal((await legacyPost(first.url!, '_member.aspx', { cmd: 'INSERT', ...m, com_name: '재시작상사', ceo_name: '유지', user_name: '담당', email: 'r@example.kr' })).code, '0000');
    const sub = await legacyPost(first.url!, '_service.aspx', { cmd: 'SINCHSERVICE', ...m, pack_code: 1, svcunit_code: 1, amount: 0, vat: 0, total_amount: 0 });
    const key = await legacyPost(first.url!, '_auth.aspx', { cmd: 'GETSVCKEY', ...m });
    await first.close();

    assert.ok(fs.existsSync(path.join(dataDir, 'secrets.json')), 'generated secrets are kept in the data folder');
    assert.equal(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o077, 0, 'secrets file is private');

    const second = await startSystem(config, { logger: silentLogger });
    try {
      const again = await legacyPost(second.url!, '_auth.aspx', { cmd: 'GETSVCKEY', ...m });
      assert.equal(again.code, '0000');
      assert.equal(again['sinchno'], sub['sinchno']);
      assert.equal(again['svc_key'], key['svc_key'], 'the same master key derives the same svc_key');
      assert.equal((await legacyPost(second.url!, '_member.aspx', { cmd: 'CHECKID', id: m.id })).code, '2003');
    } finally {
      await second.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
