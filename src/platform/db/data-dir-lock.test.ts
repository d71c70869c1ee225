import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataDirHolder, markDataDirOpen } from './data-dir-lock.ts';

test("hanbill.pid names the process holding a data folder; a dead process's file is stale", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hanbill-lock-'));
  try {
    assert.equal(dataDirHolder(dir), undefined, 'no file: nobody');
    const forget = markDataDirOpen(dir);
    assert.deepEqual(dataDirHolder(dir), { pid: process.pid }, 'this process holds it');
    forget();
    assert.equal(fs.existsSync(path.join(dir, 'hanbill.pid')), false, 'closing removes it');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(path.join(dir, 'hanbill.pid'), `${dead}\n`);
    assert.equal(dataDirHolder(dir), undefined, `process ${dead} has exited: stale`);
    fs.writeFileSync(path.join(dir, 'hanbill.pid'), `${process.ppid}\n`);
    assert.deepEqual(dataDirHolder(dir), { pid: process.ppid }, 'another live process');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
