import nodemailer from 'nodemailer';

/** One mail as it leaves PaymentFlow: a plain-text and an HTML body of the same content. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * The one way mail leaves the server. `keepsCopies`: this mailer does not deliver anywhere (no SMTP_URL),
 * so the outbox keeps each body for operators to read (`npm run cli -- mail list`) and pass on.
 */
export interface Mailer {
  readonly keepsCopies: boolean;
  send(mail: MailMessage): Promise<void>;
}

/** SMTP through nodemailer; the URL carries host, port, TLS and credentials (smtp://user:pass@host:587, smtps://...). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    keepsCopies: false,
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
  };
}

/** Without SMTP: each mail goes to the server log (the text body, which holds every link) and stays in the outbox. */
export function logMailer(log: (line: string) => void = (line) => console.log(line)): Mailer {
  return {
    keepsCopies: true,
    async send(mail) {
      log(`[mail] To: ${mail.to}\n[mail] Subject: ${mail.subject}\n${mail.text.split('\n').map((l) => `[mail] ${l}`).join('\n')}`);
    },
  };
}

export function createMailer(options: { smtpUrl?: string; from: string; log?: (line: string) => void }): Mailer {
  return options.smtpUrl ? smtpMailer(options.smtpUrl, options.from) : logMailer(options.log);
}
