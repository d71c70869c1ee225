/**
 * A minimal SMTP server for fault tests: it takes mail (EHLO/MAIL/RCPT/DATA) and records each message's recipients
 * and Message-ID; `stallFirst` never answers the first connection's message after its DATA (a hung server: the
 * sender waits for its 30 s socket time-out; the message is not recorded). It can be stopped and started again on the
 * same port (a mail server down for a while).
 */
import net from 'node:net';

export interface CaughtMail {
  recipients: string[];
  messageId: string | undefined;
}

export interface FakeSmtp {
  port: number;
  /** connections accepted so far */
  connections(): number;
  /** messages received and never answered (`stallFirst`) */
  stalled(): number;
  mails: CaughtMail[];
  /** every recipient of every mail, in order */
  recipients(): string[];
  /** stop listening and drop every connection (the port stays ours to start again) */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function fakeSmtp(opts: { stallFirst?: boolean } = {}): Promise<FakeSmtp> {
  const mails: CaughtMail[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let stalled = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const stall = connections++ === 0 && opts.stallFirst === true;
    socket.write('220 fake.test ESMTP\r\n');
    let buffer = '';
    let inData = false;
    let rcpt: string[] = [];
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          if (stall) {
            stalled++;
            return; // hangs: the message is never acknowledged
          }
          mails.push({ recipients: rcpt, messageId: /^Message-ID:\s*(<[^>]*>)/im.exec(data)?.[1] });
          rcpt = [];
          socket.write('250 queued\r\n');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 fake.test\r\n');
        else if (verb === 'RCPT') {
          rcpt.push(/<([^>]*)>/.exec(line)?.[1] ?? line);
          socket.write('250 ok\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n'); // MAIL, RSET, NOOP
      }
    });
  });
  let port = 0;
  const start = () => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      port = (server.address() as net.AddressInfo).port;
      resolve();
    });
  });
  await start();
  return {
    port,
    connections: () => connections,
    stalled: () => stalled,
    mails,
    recipients: () => mails.flatMap((m) => m.recipients),
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    start,
  };
}
