/**
 * The app under test runs without SMTP_URL, so its mail is logged and kept in the outbox: this reads it the
 * way an operator's `npm run cli -- mail list` does (the same core function, on the running server's
 * embedded PostgreSQL), for specs that follow a mailed link.
 */
import { findKeptMail, type KeptMailDto } from '../server/core/mail/mail.service.js';
import { openDatabase, type OpenDatabase } from '../server/db/connect.js';
import { loadEnv } from '../server/env.js';

export interface Mailbox {
  /** The newest mail to `to` whose subject matches, waiting briefly for it to be queued. */
  latest(to: string, subject: RegExp): Promise<KeptMailDto>;
  close(): Promise<void>;
}

export async function openMailbox(): Promise<Mailbox> {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir && !process.env.DATABASE_URL) throw new Error('E2E_DATA_DIR is not set (run through playwright.config.ts)');
  const env = loadEnv({ DATA_DIR: dataDir ?? '.data', DATABASE_URL: process.env.DATABASE_URL });
  const database: OpenDatabase = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, migrate: false, poolSize: 2 });
  return {
    async latest(to, subject) {
      for (let i = 0; ; i++) {
        const mail = (await findKeptMail(database.db, { to, limit: 20 })).find((m) => subject.test(m.subject));
        if (mail) return mail;
        if (i > 100) throw new Error(`No mail to ${to} matching ${subject}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    // The app started this PostgreSQL, so closing here leaves it running.
    close: () => database.close(),
  };
}

/** The link in a mail that points at `path` (e.g. /reset-password), as a path with its query. */
export function linkIn(mail: KeptMailDto, path: string): string {
  const match = new RegExp(`https?://[^\\s]*(${path}\\?token=[A-Za-z0-9_%-]+)`).exec(mail.text);
  if (!match) throw new Error(`No ${path} link in the mail "${mail.subject}"`);
  return match[1]!;
}
