/**
 * Mail throughput: the pooled SMTP transport delivering to the in-process catcher over real sockets on 127.0.0.1
 * (the catcher parses and stores every message). Run: node --import tsx bench/mail.bench.ts
 * Prints figures only; asserts nothing.
 */
import { cpus } from 'node:os';
import { createMailCatcher } from '../src/simulators/smtp/mail-catcher.ts';
import { createSmtpTransport, type OutgoingMail } from '../src/modules/mail/mail-transport.ts';

interface Row {
  scenario: string;
  mails: number;
  ms: number;
  perSecond: number;
}

const small: OutgoingMail = {
  to: ['김철수 <buyer@example.kr>'],
  subject: '[한빌] 전자세금계산서 발행 안내 — 2024년 5월분',
  text: '세금계산서가 발행되었습니다. https://hanbill.local/v/abc',
  html: '<h1>세금계산서 발행 안내</h1><p>공급가액 <b>1,000,000원</b></p>',
};
const withPdf: OutgoingMail = {
  ...small,
  attachments: [{ filename: '세금계산서.pdf', content: Buffer.alloc(100 * 1024, 0x41), contentType: 'application/pdf' }],
};

async function run(scenario: string, mail: OutgoingMail, mails: number, maxConnections: number, inFlight: number): Promise<Row> {
  const catcher = createMailCatcher({ maxMails: mails });
  const transport = createSmtpTransport((await catcher.start()).url, 'Hanbill <no-reply@hanbill.local>', { maxConnections });
  try {
    // warm-up: open the pool's connections
    await Promise.all(Array.from({ length: maxConnections }, () => transport.send(mail)));
    catcher.clear();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < mails) {
          next += 1;
          await transport.send(mail);
        }
      }),
    );
    const ms = performance.now() - started;
    if (catcher.list().length !== mails) throw new Error(`${scenario}: caught ${catcher.list().length} of ${mails}`);
    return { scenario, mails, ms, perSecond: (mails * 1000) / ms };
  } finally {
    await transport.close();
    await catcher.stop();
  }
}

const rows: Row[] = [];
rows.push(await run('small, 1 connection, one at a time', small, 300, 1, 1));
rows.push(await run('small, 1 connection, 50 in flight', small, 500, 1, 50));
rows.push(await run('small, pool of 3, 50 in flight', small, 1000, 3, 50));
rows.push(await run('small, pool of 5 (default), 50 in flight', small, 1000, 5, 50));
rows.push(await run('small, pool of 10, 100 in flight', small, 1000, 10, 100));
rows.push(await run('100 KB PDF attached, pool of 5, 50 in flight', withPdf, 300, 5, 50));

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`mail benchmark — Node ${process.version}, ${cpu}; nodemailer pool → smtp-server + mailparser, same process, 127.0.0.1\n`);
const width = Math.max(...rows.map((r) => r.scenario.length));
console.log(`${'scenario'.padEnd(width)}  ${'mails'.padStart(6)}  ${'ms'.padStart(7)}  ${'mails/s'.padStart(8)}`);
for (const r of rows) {
  console.log(`${r.scenario.padEnd(width)}  ${String(r.mails).padStart(6)}  ${r.ms.toFixed(0).padStart(7)}  ${r.perSecond.toFixed(0).padStart(8)}`);
}
