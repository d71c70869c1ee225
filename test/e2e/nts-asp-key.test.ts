// The ASP (WS-Security) key of a started system: the configured one when HANBILL_NTS_ASP_KEY / _CERT are set,
// a start stopped naming the variable when they cannot be used, else the self-signed default (logged). The
// gateway is chosen by the composition root; the in-process simulator is started only without NTS_GATEWAY_URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config.ts';
import type { Logger } from '../../src/platform/context.ts';
import { issueSelfSignedCertificate } from '../../src/modules/signing/self-signed-certificate.ts';
import { startTestSystem } from '../support/test-system.ts';

const asp = issueSelfSignedCertificate({ commonName: 'Hanbill ASP registered with the NTS', modulusLength: 1024 });
const keyPem = asp.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
const certPem = `-----BEGIN CERTIFICATE-----\n${asp.certDer.toString('base64')}\n-----END CERTIFICATE-----\n`;

function recordingLogger(): Logger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (o: object | string, msg?: string) => lines.push({ level, msg: msg ?? String(o) });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

test('a configured ASP key signs the messages to the NTS (no self-signed key is made)', async () => {
  const sys = await startTestSystem({ HANBILL_NTS_ASP_KEY: keyPem, HANBILL_NTS_ASP_CERT: certPem });
  try {
    const signer = await sys.nts.filing.receiver.aspSigner();
    assert.ok(signer.certDer.equals(asp.certDer));
    assert.ok(sys.nts.simulator, 'no NTS_GATEWAY_URL: the in-process simulator');
  } finally {
    await sys.close();
  }
});

test('a key that is not the certificate’s stops the start, naming HANBILL_NTS_ASP_KEY', async () => {
  const other = issueSelfSignedCertificate({ commonName: 'other', modulusLength: 1024 });
  await assert.rejects(
    startTestSystem({ HANBILL_NTS_ASP_KEY: other.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, HANBILL_NTS_ASP_CERT: certPem }),
    (err) => err instanceof ConfigError && /^HANBILL_NTS_ASP_KEY: the key does not belong/.test(err.problems[0] ?? ''),
  );
});

test('without a key: self-signed, said in the log; with NTS_GATEWAY_URL no simulator is started and the warning says the NTS will refuse it', async () => {
  const log = recordingLogger();
  const sys = await startTestSystem({}, { logger: log });
  try {
    assert.ok(log.lines.some((l) => l.level === 'info' && /NTS ASP key: self-signed/.test(l.msg)), JSON.stringify(log.lines));
    assert.ok(sys.nts.simulator);
  } finally {
    await sys.close();
  }
  const remoteLog = recordingLogger();
  const remote = await startTestSystem({ NTS_GATEWAY_URL: 'http://127.0.0.1:9', NTS_GATEWAY_CERT: '' }, { logger: remoteLog });
  try {
    assert.equal(remote.nts.simulator, undefined);
    assert.ok(remoteLog.lines.some((l) => l.level === 'warn' && /HANBILL_NTS_ASP_KEY is not set/.test(l.msg)), JSON.stringify(remoteLog.lines));
  } finally {
    await remote.close();
  }
});
