import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The whole message as received, with quoted-printable soft breaks and escapes decoded. */
  decoded: string;
  subject: string;
}

export interface TestSmtpServer {
  url: string;
  received: ReceivedMail[];
  /** The first mail to `to` matching `subject`, waiting for the worker to deliver it. */
  waitForMail(to: string, subject: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function decodeSubject(raw: string): string {
  const line = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
  // RFC 2047 encoded words (=?UTF-8?Q?...?= or ?B?), as nodemailer writes non-ASCII or long subjects.
  return line.replace(/\r?\n[ \t]/g, '').replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')));
}

/** A real SMTP server on a free loopback port (no TLS, no auth), keeping what it receives. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          decoded: decodeQuotedPrintable(raw),
          subject: decodeSubject(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitForMail(to, subject, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = received.find((m) => m.to.includes(to.toLowerCase()) && subject.test(m.subject));
        if (mail) return mail;
        if (Date.now() > deadline) throw new Error(`No mail to ${to} matching ${subject} arrived; received: ${received.map((m) => `${m.to.join(',')}: ${m.subject}`).join('; ') || 'nothing'}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The link of a PaymentFlow mail that points at `path` (e.g. /reset-password), and its token. */
export function linkIn(mail: ReceivedMail, path: string): { url: string; token: string } {
  const match = new RegExp(`https?://[^\\s"<>]*${path}\\?token=([A-Za-z0-9_%-]+)`).exec(mail.decoded);
  if (!match) throw new Error(`No ${path} link in the mail "${mail.subject}"`);
  return { url: match[0], token: decodeURIComponent(match[1]!) };
}
